//! The metric half of the parser: arithmetic by precedence, range and vector aggregations,
//! `vector(n)` and groupings.

use super::Parser;
use crate::query::ast::{AggOp, BinOp, Grouping, MetricExpr, RangeFn};
use crate::query::lexer::Tok;
use crate::query::{ParseError, QueryError};

/// Functions Loki has and we do not evaluate.
const UNSUPPORTED_FUNCS: [&str; 19] = [
    "sum_over_time",
    "avg_over_time",
    "max_over_time",
    "min_over_time",
    "first_over_time",
    "last_over_time",
    "stdvar_over_time",
    "stddev_over_time",
    "quantile_over_time",
    "absent_over_time",
    "rate_counter",
    "stddev",
    "stdvar",
    "sort",
    "sort_desc",
    "label_replace",
    "absent",
    "approx_topk",
    "ip",
];

impl Parser {
    /// Binary arithmetic by precedence climbing: `+ -` < `* / %` < `^`. Each call is one
    /// nesting level (brackets, aggregations and the right side of `^` recurse here).
    pub(super) fn binary(&mut self, min_prec: u8) -> Result<MetricExpr, QueryError> {
        self.nested(|p| p.binary_chain(min_prec))
    }

    /// The operands and operators of one precedence level, left to right.
    fn binary_chain(&mut self, min_prec: u8) -> Result<MetricExpr, QueryError> {
        let mut lhs = self.metric_primary()?;
        loop {
            if let Some(what) = unsupported_operator(self.peek()) {
                return Err(QueryError::Unsupported(what.into()));
            }
            let Some((op, prec)) = bin_op(self.peek()) else { return Ok(lhs) };
            if prec < min_prec {
                return Ok(lhs);
            }
            self.next();
            if matches!(self.peek(), Tok::Ident(k) if matches!(k.as_str(), "on" | "ignoring" | "bool")) {
                return Err(QueryError::Unsupported("vector matching (on/ignoring/bool)".into()));
            }
            let next_min = if op == BinOp::Pow { prec } else { prec + 1 };
            let rhs = self.binary(next_min)?;
            lhs = MetricExpr::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) };
        }
    }

    pub(super) fn metric_primary(&mut self) -> Result<MetricExpr, QueryError> {
        match self.peek().clone() {
            Tok::Number(n) => {
                self.next();
                Ok(MetricExpr::Number(n))
            }
            Tok::Sub => {
                self.next();
                let inner = self.nested(Self::metric_primary)?;
                Ok(MetricExpr::Binary { op: BinOp::Mul, lhs: Box::new(MetricExpr::Number(-1.0)), rhs: Box::new(inner) })
            }
            Tok::LParen => {
                self.next();
                let inner = self.binary(0)?;
                self.expect(Tok::RParen, ")")?;
                Ok(inner)
            }
            Tok::Ident(name) => self.function(&name),
            _ => Err(self.unexpected("a metric expression").into()),
        }
    }

    pub(super) fn function(&mut self, name: &str) -> Result<MetricExpr, QueryError> {
        if UNSUPPORTED_FUNCS.contains(&name) {
            return Err(QueryError::Unsupported(format!("the `{name}` function")));
        }
        let range_fn = match name {
            "count_over_time" => Some(RangeFn::Count),
            "rate" => Some(RangeFn::Rate),
            "bytes_over_time" => Some(RangeFn::Bytes),
            "bytes_rate" => Some(RangeFn::BytesRate),
            _ => None,
        };
        if let Some(func) = range_fn {
            self.next();
            return self.range_aggregation(func);
        }
        let agg = match name {
            "sum" => AggOp::Sum,
            "count" => AggOp::Count,
            "min" => AggOp::Min,
            "max" => AggOp::Max,
            "avg" => AggOp::Avg,
            "topk" => AggOp::Topk,
            "bottomk" => AggOp::Bottomk,
            "vector" => {
                self.next();
                self.expect(Tok::LParen, "(")?;
                let value = self.number()?;
                self.expect(Tok::RParen, ")")?;
                return Ok(MetricExpr::Vector(value));
            }
            _ => return Err(self.unexpected("a metric expression").into()),
        };
        self.next();
        self.aggregation(agg)
    }

    pub(super) fn number(&mut self) -> Result<f64, ParseError> {
        let negative = self.peek() == &Tok::Sub;
        if negative {
            self.next();
        }
        match self.next() {
            Tok::Number(n) => Ok(if negative { -n } else { n }),
            _ => Err(self.back_unexpected(1, "NUMBER")),
        }
    }

    pub(super) fn range_aggregation(&mut self, func: RangeFn) -> Result<MetricExpr, QueryError> {
        self.expect(Tok::LParen, "(")?;
        let log = self.log_expr()?;
        self.expect(Tok::LBracket, "[")?;
        let range = match self.next() {
            Tok::Duration(ns) if ns > 0 => ns,
            _ => return Err(self.back_unexpected(1, "DURATION").into()),
        };
        self.expect(Tok::RBracket, "]")?;
        if matches!(self.peek(), Tok::Ident(k) if k == "offset") {
            return Err(QueryError::Unsupported("`offset`".into()));
        }
        self.expect(Tok::RParen, ")")?;
        if matches!(self.peek(), Tok::Ident(k) if k == "by" || k == "without") {
            return Err(QueryError::Unsupported("grouping on a range aggregation".into()));
        }
        Ok(MetricExpr::Range { func, log, range })
    }

    pub(super) fn aggregation(&mut self, op: AggOp) -> Result<MetricExpr, QueryError> {
        let mut grouping = self.grouping()?;
        self.expect(Tok::LParen, "(")?;
        let param = if matches!(op, AggOp::Topk | AggOp::Bottomk) {
            let k = self.number()?;
            self.expect(Tok::Comma, ",")?;
            Some(k)
        } else {
            None
        };
        let inner = self.binary(0)?;
        self.expect(Tok::RParen, ")")?;
        if grouping.is_none() {
            grouping = self.grouping()?;
        }
        Ok(MetricExpr::Agg { op, grouping, param, inner: Box::new(inner) })
    }

    pub(super) fn grouping(&mut self) -> Result<Option<Grouping>, ParseError> {
        let without = match self.peek() {
            Tok::Ident(k) if k == "by" => false,
            Tok::Ident(k) if k == "without" => true,
            _ => return Ok(None),
        };
        self.next();
        self.expect(Tok::LParen, "(")?;
        let mut labels = Vec::new();
        if self.peek() != &Tok::RParen {
            labels.push(self.ident("IDENTIFIER or )")?);
            while self.peek() == &Tok::Comma {
                self.next();
                labels.push(self.ident("IDENTIFIER")?);
            }
        }
        self.expect(Tok::RParen, ") or ,")?;
        Ok(Some(Grouping { without, labels }))
    }
}

fn bin_op(tok: &Tok) -> Option<(BinOp, u8)> {
    Some(match tok {
        Tok::Add => (BinOp::Add, 1),
        Tok::Sub => (BinOp::Sub, 1),
        Tok::Mul => (BinOp::Mul, 2),
        Tok::Div => (BinOp::Div, 2),
        Tok::Mod => (BinOp::Mod, 2),
        Tok::Pow => (BinOp::Pow, 3),
        _ => return None,
    })
}

/// Operators between metric expressions that we do not evaluate.
fn unsupported_operator(tok: &Tok) -> Option<&'static str> {
    match tok {
        Tok::EqEq | Tok::Neq | Tok::Gt | Tok::Gte | Tok::Lt | Tok::Lte => Some("comparison operators between vectors"),
        Tok::Ident(k) if matches!(k.as_str(), "and" | "or" | "unless") => Some("set operators (and/or/unless)"),
        _ => None,
    }
}
