//! Label filter expressions after a `|`: string matches, numeric, duration and byte-size
//! comparisons, combined with `and`, `,`, `or` and parentheses.

use super::{Parser, is_comparison, make_matcher};
use crate::query::QueryError;
use crate::query::ast::{CmpOp, LabelFilter, MatchOp};
use crate::query::lexer::Tok;

impl Parser {
    /// `a or b or ...`, one flat list; each bracket level counts against the depth limit.
    pub(super) fn filter_or(&mut self) -> Result<LabelFilter, QueryError> {
        self.nested(|p| {
            let mut any = vec![p.filter_and()?];
            while matches!(p.peek(), Tok::Ident(k) if k == "or") {
                p.next();
                any.push(p.filter_and()?);
            }
            Ok(if any.len() == 1 { any.swap_remove(0) } else { LabelFilter::Or(any) })
        })
    }

    /// `a and b, c ...`, one flat list.
    pub(super) fn filter_and(&mut self) -> Result<LabelFilter, QueryError> {
        let mut all = vec![self.filter_primary()?];
        loop {
            match self.peek() {
                Tok::Comma => {
                    self.next();
                }
                Tok::Ident(k) if k == "and" => {
                    self.next();
                }
                Tok::Ident(_) if !self.at_keyword() && is_comparison(self.peek_at(1)) => {}
                Tok::LParen => {}
                _ => return Ok(if all.len() == 1 { all.swap_remove(0) } else { LabelFilter::And(all) }),
            }
            all.push(self.filter_primary()?);
        }
    }

    pub(super) fn filter_primary(&mut self) -> Result<LabelFilter, QueryError> {
        if self.peek() == &Tok::LParen {
            self.next();
            let inner = self.filter_or()?;
            self.expect(Tok::RParen, ")")?;
            return Ok(inner);
        }
        let name = self.ident("IDENTIFIER")?;
        let op_tok = self.next();
        let negative = self.peek() == &Tok::Sub;
        if negative {
            self.next();
        }
        let sign = if negative { -1.0 } else { 1.0 };
        let number = match self.peek() {
            Tok::Number(n) | Tok::Bytes(n) => Some(sign * n),
            Tok::Duration(ns) => Some(sign * *ns as f64 / 1e9),
            _ => None,
        };
        if let Some(value) = number {
            self.next();
            let op = match op_tok {
                Tok::Eq | Tok::EqEq => CmpOp::Eq,
                Tok::Neq => CmpOp::Neq,
                Tok::Gt => CmpOp::Gt,
                Tok::Gte => CmpOp::Gte,
                Tok::Lt => CmpOp::Lt,
                Tok::Lte => CmpOp::Lte,
                _ => return Err(self.back_unexpected(2, "a comparison operator").into()),
            };
            return Ok(LabelFilter::Num { name, op, value });
        }
        if matches!(self.peek(), Tok::Ident(f) if f == "ip") {
            return Err(QueryError::Unsupported("ip() label filters".into()));
        }
        let op = match op_tok {
            Tok::Eq => MatchOp::Eq,
            Tok::Neq => MatchOp::Neq,
            Tok::Re => MatchOp::Re,
            Tok::Nre => MatchOp::Nre,
            _ => return Err(self.back_unexpected(1, "=, !=, =~ or !~").into()),
        };
        let (value, at) = self.string("STRING, NUMBER, DURATION or BYTES")?;
        Ok(LabelFilter::Str(make_matcher(name, op, value, at)?))
    }
}
