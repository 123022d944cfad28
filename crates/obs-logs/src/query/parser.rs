//! Recursive-descent LogQL parser for the supported subset. Valid LogQL outside the subset is
//! reported as [`QueryError::Unsupported`] naming the feature, never parsed into something else.

use obs_contract::query::{LimitError, QueryLimits};
use regex::Regex;

use super::ast::{LineOp, LogExpr, MatchOp, Matcher, Query, Stage};
use super::lexer::{Tok, Token, tokenize};
use super::{ParseError, QueryError};

/// Pipeline stages Loki has and we do not evaluate.
const UNSUPPORTED_STAGES: [&str; 8] =
    ["label_format", "keep", "unwrap", "pattern", "regexp", "unpack", "decolorize", "distinct"];

/// Parses a query with the default nesting limit ([`QueryLimits::DEFAULT_MAX_DEPTH`]).
pub fn parse(src: &str) -> Result<Query, QueryError> {
    parse_with(src, QueryLimits::DEFAULT_MAX_DEPTH)
}

/// Parses a query, refusing one nested deeper than `max_depth` (brackets, nested calls, a
/// chain of signs or of `^`): the parser recurses once per level. Callers check the text with
/// `obs_contract::query::scan::check` first; this is the second guard. A panic inside the
/// parser becomes a parse error (a 400), not a dead request.
pub fn parse_with(src: &str, max_depth: usize) -> Result<Query, QueryError> {
    std::panic::catch_unwind(|| parse_bounded(src, max_depth)).unwrap_or_else(|_| {
        Err(ParseError::whole("the query could not be parsed (the parser failed on it); simplify it and report it")
            .into())
    })
}

/// [`parse_with`] without the panic guard.
fn parse_bounded(src: &str, max_depth: usize) -> Result<Query, QueryError> {
    let toks = tokenize(src)?;
    let mut p = Parser { toks, pos: 0, depth: 0, max_depth };
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

/// The parser's cursor over tokens, and how deep it has recursed.
struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    max_depth: usize,
}

impl Parser {
    /// Runs `f` one nesting level deeper; past `max_depth` the query is refused naming the limit.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, QueryError>) -> Result<T, QueryError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(QueryError::Limit(LimitError::TooBig {
                what: "nesting depth",
                actual: self.depth,
                limit: self.max_depth,
                hint: "flatten the brackets, nested calls and chains of ^ or signs",
            }));
        }
        let out = f(self);
        self.depth -= 1;
        out
    }

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
            "line_format" if !is_comparison(self.peek_at(1)) => {
                self.next();
                let (template, _) = self.string("STRING")?;
                Ok(Stage::LineFormat(super::template::parse(&template)?))
            }
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

    /// An `unexpected` error `back` tokens before the cursor.
    fn back_unexpected(&mut self, back: usize, expecting: &str) -> ParseError {
        self.pos = self.pos.saturating_sub(back);
        self.unexpected(expecting)
    }
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

mod filter;
mod metric;
#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
