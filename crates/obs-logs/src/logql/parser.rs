//! Recursive-descent LogQL parser for the supported subset. Valid LogQL outside the subset is
//! reported as [`QueryError::Unsupported`] naming the feature, never parsed into something else.

use regex::Regex;

use super::ast::{
    AggOp, BinOp, CmpOp, Grouping, LabelFilter, LineOp, LogExpr, MatchOp, Matcher, MetricExpr, Query, RangeFn, Stage,
};
use super::lexer::{Tok, Token, tokenize};
use super::{ParseError, QueryError};

/// Pipeline stages Loki has and we do not evaluate.
const UNSUPPORTED_STAGES: [&str; 9] =
    ["line_format", "label_format", "keep", "unwrap", "pattern", "regexp", "unpack", "decolorize", "distinct"];

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

/// Parses a query.
pub fn parse(src: &str) -> Result<Query, QueryError> {
    let toks = tokenize(src)?;
    check_nesting(&toks)?;
    let mut p = Parser { toks, pos: 0 };
    let query = if p.peek() == &Tok::LBrace {
        let log = p.log_expr()?;
        if matches!(p.peek(), Tok::Add | Tok::Sub | Tok::Mul | Tok::Div | Tok::Mod | Tok::Pow) {
            return Err(p.unexpected("").into());
        }
        Query::Log(log)
    } else {
        Query::Metric(p.binary(0)?)
    };
    if p.peek() != &Tok::End {
        return Err(p.unexpected("").into());
    }
    Ok(query)
}

/// The parser's cursor over tokens.
struct Parser {
    toks: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map_or(&Tok::End, |t| &t.tok)
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        self.toks.get(self.pos + ahead).map_or(&Tok::End, |t| &t.tok)
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        tok
    }

    fn here(&self) -> (usize, usize) {
        self.toks.get(self.pos).or(self.toks.last()).map_or((1, 1), |t| (t.line, t.col))
    }

    /// `syntax error: unexpected X[, expecting Y]` at the current token.
    fn unexpected(&self, expecting: &str) -> ParseError {
        let (line, col) = self.here();
        let mut msg = format!("syntax error: unexpected {}", self.peek().describe());
        if !expecting.is_empty() {
            msg.push_str(", expecting ");
            msg.push_str(expecting);
        }
        ParseError::at(line, col, msg)
    }

    fn expect(&mut self, tok: Tok, expecting: &str) -> Result<(), ParseError> {
        if self.peek() == &tok {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected(expecting))
        }
    }

    fn ident(&mut self, expecting: &str) -> Result<String, ParseError> {
        match self.peek() {
            Tok::Ident(name) => {
                let name = name.clone();
                self.next();
                Ok(name)
            }
            _ => Err(self.unexpected(expecting)),
        }
    }

    fn string(&mut self, expecting: &str) -> Result<(String, (usize, usize)), ParseError> {
        let at = self.here();
        match self.peek() {
            Tok::Str(s) => {
                let s = s.clone();
                self.next();
                Ok((s, at))
            }
            _ => Err(self.unexpected(expecting)),
        }
    }

    fn log_expr(&mut self) -> Result<LogExpr, QueryError> {
        let matchers = self.selector()?;
        let mut stages = Vec::new();
        while let Some(stage) = self.stage()? {
            stages.push(stage);
        }
        Ok(LogExpr { matchers, stages })
    }

    fn selector(&mut self) -> Result<Vec<Matcher>, QueryError> {
        self.expect(Tok::LBrace, "{")?;
        let mut matchers = vec![self.matcher()?];
        loop {
            match self.peek() {
                Tok::Comma => {
                    self.next();
                    matchers.push(self.matcher()?);
                }
                Tok::RBrace => {
                    self.next();
                    break;
                }
                _ => return Err(self.unexpected("} or ,").into()),
            }
        }
        if matchers.iter().all(|m| m.matches("")) {
            return Err(ParseError::whole(
                "queries require at least one regexp or equality matcher that does not have an empty-compatible \
                 value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will",
            )
            .into());
        }
        Ok(matchers)
    }

    fn matcher(&mut self) -> Result<Matcher, ParseError> {
        let name = self.ident("IDENTIFIER")?;
        let op = match self.next() {
            Tok::Eq => MatchOp::Eq,
            Tok::Neq => MatchOp::Neq,
            Tok::Re => MatchOp::Re,
            Tok::Nre => MatchOp::Nre,
            _ => return Err(self.back_unexpected(1, "=, !=, =~ or !~")),
        };
        let (value, at) = self.string("STRING")?;
        make_matcher(name, op, value, at)
    }

    /// One pipeline stage, or None at the end of the pipeline.
    fn stage(&mut self) -> Result<Option<Stage>, QueryError> {
        let op = match self.peek() {
            Tok::PipeExact => LineOp::Contains,
            Tok::Neq => LineOp::NotContains,
            Tok::PipeMatch => LineOp::Match,
            Tok::Nre => LineOp::NotMatch,
            Tok::Pipe => {
                self.next();
                return self.pipe_stage().map(Some);
            }
            _ => return Ok(None),
        };
        self.next();
        if matches!(self.peek(), Tok::Ident(name) if name == "ip") {
            return Err(QueryError::Unsupported("ip() line filters".into()));
        }
        let (pattern, at) = self.string("STRING")?;
        if matches!(self.peek(), Tok::Ident(name) if name == "or") {
            return Err(QueryError::Unsupported("`or` between line filter patterns".into()));
        }
        let re = match op {
            LineOp::Match | LineOp::NotMatch => Some(
                regex::bytes::Regex::new(&pattern)
                    .map_err(|e| ParseError::at(at.0, at.1, format!("invalid regex {pattern:?}: {e}")))?,
            ),
            _ => None,
        };
        Ok(Some(Stage::Line { op, pattern, re }))
    }

    fn pipe_stage(&mut self) -> Result<Stage, QueryError> {
        let name = match self.peek() {
            Tok::Ident(name) => name.clone(),
            Tok::LParen => return Ok(Stage::Filter(self.filter_or()?)),
            _ => return Err(self.unexpected("a parser, a label filter or a format expression").into()),
        };
        if UNSUPPORTED_STAGES.contains(&name.as_str()) && !is_comparison(self.peek_at(1)) {
            return Err(QueryError::Unsupported(format!("the `{name}` stage")));
        }
        match name.as_str() {
            "drop" if !is_comparison(self.peek_at(1)) => {
                self.next();
                self.drop_stage()
            }
            "json" | "logfmt" if !is_comparison(self.peek_at(1)) => {
                self.next();
                if matches!(self.peek(), Tok::Ident(_) | Tok::Sub) && !self.at_keyword() {
                    return Err(QueryError::Unsupported(format!("`{name}` with parameters or flags")));
                }
                Ok(if name == "json" { Stage::Json } else { Stage::Logfmt })
            }
            _ => Ok(Stage::Filter(self.filter_or()?)),
        }
    }

    /// `drop a, b, c` (plain names only).
    fn drop_stage(&mut self) -> Result<Stage, QueryError> {
        let mut names = vec![self.ident("IDENTIFIER")?];
        loop {
            if is_comparison(self.peek()) {
                return Err(QueryError::Unsupported("`drop` with label matchers".into()));
            }
            if self.peek() != &Tok::Comma {
                return Ok(Stage::Drop(names));
            }
            self.next();
            names.push(self.ident("IDENTIFIER")?);
        }
    }

    /// Whether the current identifier is a keyword that ends a stage.
    fn at_keyword(&self) -> bool {
        matches!(self.peek(), Tok::Ident(k) if matches!(k.as_str(), "or" | "and" | "offset" | "by" | "without"))
    }

    fn filter_or(&mut self) -> Result<LabelFilter, QueryError> {
        let mut lhs = self.filter_and()?;
        while matches!(self.peek(), Tok::Ident(k) if k == "or") {
            self.next();
            let rhs = self.filter_and()?;
            lhs = LabelFilter::Or(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn filter_and(&mut self) -> Result<LabelFilter, QueryError> {
        let mut lhs = self.filter_primary()?;
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
                _ => return Ok(lhs),
            }
            let rhs = self.filter_primary()?;
            lhs = LabelFilter::And(Box::new(lhs), Box::new(rhs));
        }
    }

    fn filter_primary(&mut self) -> Result<LabelFilter, QueryError> {
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

    /// An `unexpected` error `back` tokens before the cursor.
    fn back_unexpected(&mut self, back: usize, expecting: &str) -> ParseError {
        self.pos = self.pos.saturating_sub(back);
        self.unexpected(expecting)
    }

    /// Binary arithmetic by precedence climbing: `+ -` < `* / %` < `^`.
    fn binary(&mut self, min_prec: u8) -> Result<MetricExpr, QueryError> {
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

    fn metric_primary(&mut self) -> Result<MetricExpr, QueryError> {
        match self.peek().clone() {
            Tok::Number(n) => {
                self.next();
                Ok(MetricExpr::Number(n))
            }
            Tok::Sub => {
                self.next();
                let inner = self.metric_primary()?;
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

    fn function(&mut self, name: &str) -> Result<MetricExpr, QueryError> {
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

    fn number(&mut self) -> Result<f64, ParseError> {
        let negative = self.peek() == &Tok::Sub;
        if negative {
            self.next();
        }
        match self.next() {
            Tok::Number(n) => Ok(if negative { -n } else { n }),
            _ => Err(self.back_unexpected(1, "NUMBER")),
        }
    }

    fn range_aggregation(&mut self, func: RangeFn) -> Result<MetricExpr, QueryError> {
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

    fn aggregation(&mut self, op: AggOp) -> Result<MetricExpr, QueryError> {
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

    fn grouping(&mut self) -> Result<Option<Grouping>, ParseError> {
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

/// Most nesting (brackets, or signs in a row) a query may have: the parser recurses on it.
const MAX_NESTING: usize = 64;

/// Refuses queries nested deeper than [`MAX_NESTING`].
fn check_nesting(toks: &[Token]) -> Result<(), ParseError> {
    let (mut depth, mut signs) = (0usize, 0usize);
    for t in toks {
        match t.tok {
            Tok::LParen | Tok::LBrace | Tok::LBracket => depth += 1,
            Tok::RParen | Tok::RBrace | Tok::RBracket => depth = depth.saturating_sub(1),
            _ => {}
        }
        signs = if t.tok == Tok::Sub { signs + 1 } else { 0 };
        if depth > MAX_NESTING || signs > MAX_NESTING {
            return Err(ParseError::at(t.line, t.col, format!("query nested more than {MAX_NESTING} levels deep")));
        }
    }
    Ok(())
}

/// Builds a matcher, compiling its anchored pattern.
fn make_matcher(name: String, op: MatchOp, value: String, at: (usize, usize)) -> Result<Matcher, ParseError> {
    let re = match op {
        MatchOp::Re | MatchOp::Nre => Some(
            Regex::new(&format!("^(?:{value})$"))
                .map_err(|e| ParseError::at(at.0, at.1, format!("invalid regex {value:?}: {e}")))?,
        ),
        _ => None,
    };
    Ok(Matcher { name, op, value, re })
}

fn is_comparison(tok: &Tok) -> bool {
    matches!(tok, Tok::Eq | Tok::Neq | Tok::Re | Tok::Nre | Tok::EqEq | Tok::Gt | Tok::Gte | Tok::Lt | Tok::Lte)
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

#[cfg(test)]
mod tests;
