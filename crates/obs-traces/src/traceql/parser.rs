//! Recursive-descent parser for the TraceQL subset.
//!
//! ```text
//! query    := set_or END
//! set_or   := set_and ( "||" set_and )*
//! set_and  := set_atom ( "&&" set_atom )*
//! set_atom := "(" set_or ")" | "{" [ f_or ] "}"
//! f_or     := f_and ( "||" f_and )*
//! f_and    := f_unary ( "&&" f_unary )*
//! f_unary  := "!" f_unary | "(" f_or ")" | "true" | attribute op literal
//! ```

use super::ParseError;
use super::ast::{Cmp, Field, Lit, Op, Spanset, attribute, keyword};
use super::lexer::{Tok, lex};

/// Parses a TraceQL query.
pub fn parse(src: &str) -> Result<Spanset, ParseError> {
    let toks = lex(src)?;
    if toks.len() > MAX_TOKENS {
        let message = format!("query is too long: {} tokens, at most {MAX_TOKENS} are accepted", toks.len());
        return Err(ParseError::at(src, toks[MAX_TOKENS].1, message));
    }
    let mut p = Parser { src, toks, pos: 0, depth: 0 };
    let set = p.set_or()?;
    match p.peek() {
        Tok::End => Ok(set),
        Tok::Pipe => Err(p.error("pipeline stages (| ...) are not supported by this backend; use spanset filters")),
        tok => {
            let msg = format!("syntax error: unexpected {tok}");
            Err(p.error(msg))
        }
    }
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
}

/// Most tokens accepted (bounds the depth of `&&`/`||` chains, which evaluation walks recursively).
const MAX_TOKENS: usize = 2048;

/// Deepest nesting of parentheses and `!` accepted (bounds the parser's recursion).
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map_or(&Tok::End, |(t, _)| t)
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        self.pos = (self.pos + 1).min(self.toks.len().saturating_sub(1));
        tok
    }

    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.src.len(), |(_, o)| *o)
    }

    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError::at(self.src, self.offset(), message)
    }

    fn unexpected(&self, expecting: &str) -> ParseError {
        self.error(format!("syntax error: unexpected {}, expecting {expecting}", self.peek()))
    }

    fn expect(&mut self, tok: &Tok, expecting: &str) -> Result<(), ParseError> {
        if self.peek() == tok {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected(expecting))
        }
    }

    fn set_or(&mut self) -> Result<Spanset, ParseError> {
        let mut left = self.set_and()?;
        while self.peek() == &Tok::Or {
            self.next();
            left = Spanset::Or(Box::new(left), Box::new(self.set_and()?));
        }
        Ok(left)
    }

    fn set_and(&mut self) -> Result<Spanset, ParseError> {
        let mut left = self.set_atom()?;
        while self.peek() == &Tok::And {
            self.next();
            left = Spanset::And(Box::new(left), Box::new(self.set_atom()?));
        }
        Ok(left)
    }

    fn nest(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("query nests deeper than {MAX_DEPTH} levels of parentheses or !")));
        }
        Ok(())
    }

    fn set_atom(&mut self) -> Result<Spanset, ParseError> {
        self.nest()?;
        let atom = self.set_atom_inner();
        self.depth -= 1;
        atom
    }

    fn set_atom_inner(&mut self) -> Result<Spanset, ParseError> {
        match self.peek() {
            Tok::LParen => {
                self.next();
                let inner = self.set_or()?;
                self.expect(&Tok::RParen, ")")?;
                Ok(inner)
            }
            Tok::LBrace => {
                self.next();
                if self.peek() == &Tok::RBrace {
                    self.next();
                    return Ok(Spanset::Filter(Field::True));
                }
                let field = self.f_or()?;
                self.expect(&Tok::RBrace, "}, && or ||")?;
                Ok(Spanset::Filter(field))
            }
            _ => Err(self.unexpected("{ or (")),
        }
    }

    fn f_or(&mut self) -> Result<Field, ParseError> {
        let mut left = self.f_and()?;
        while self.peek() == &Tok::Or {
            self.next();
            left = Field::Or(Box::new(left), Box::new(self.f_and()?));
        }
        Ok(left)
    }

    fn f_and(&mut self) -> Result<Field, ParseError> {
        let mut left = self.f_unary()?;
        while self.peek() == &Tok::And {
            self.next();
            left = Field::And(Box::new(left), Box::new(self.f_unary()?));
        }
        Ok(left)
    }

    fn f_unary(&mut self) -> Result<Field, ParseError> {
        self.nest()?;
        let unary = self.f_unary_inner();
        self.depth -= 1;
        unary
    }

    fn f_unary_inner(&mut self) -> Result<Field, ParseError> {
        match self.peek().clone() {
            Tok::Not => {
                self.next();
                Ok(Field::Not(Box::new(self.f_unary()?)))
            }
            Tok::LParen => {
                self.next();
                let inner = self.f_or()?;
                self.expect(&Tok::RParen, ")")?;
                Ok(inner)
            }
            Tok::Word(w) if w == "true" => {
                self.next();
                Ok(Field::True)
            }
            Tok::Word(w) => {
                let Some(attr) = attribute(&w) else {
                    return Err(self.error(format!(
                        "syntax error: unknown attribute {w:?}; scope it as span.{w}, resource.{w} or .{w}, or use an intrinsic such as name, status, kind or duration"
                    )));
                };
                self.next();
                let op = match self.next() {
                    Tok::Op(op) => op,
                    _ => {
                        self.pos = self.pos.saturating_sub(1);
                        return Err(self.unexpected("a comparison operator (= != > >= < <= =~ !~)"));
                    }
                };
                let lit = self.literal()?;
                if matches!(op, Op::Re | Op::NotRe) && !matches!(lit, Lit::Str(_)) {
                    return Err(self.error("syntax error: a regular expression must be a quoted string"));
                }
                Ok(Field::Cmp(Cmp { attr, op, lit }))
            }
            _ => Err(self.unexpected("an attribute, intrinsic, ! or (")),
        }
    }

    fn literal(&mut self) -> Result<Lit, ParseError> {
        let lit = match self.peek().clone() {
            Tok::Str(s) => Lit::Str(s),
            Tok::Int(i) => Lit::Int(i),
            Tok::Float(f) => Lit::Float(f),
            Tok::Duration(d) => Lit::Duration(d),
            Tok::Word(w) => match keyword(&w) {
                Some(lit) => lit,
                None => {
                    return Err(self.unexpected(
                        "a value (quoted string, number, duration, true, false, nil, a status or a kind)",
                    ));
                }
            },
            _ => return Err(self.unexpected("a value")),
        };
        self.next();
        Ok(lit)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test
mod tests {
    use super::parse;
    use crate::traceql::ast::{Attr, Cmp, Field, Lit, Op, Scope, Spanset};

    fn cmp(attr: Attr, op: Op, lit: Lit) -> Field {
        Field::Cmp(Cmp { attr, op, lit })
    }

    fn named(scope: Scope, key: &str) -> Attr {
        Attr::Named { scope, key: key.to_owned() }
    }

    /// Pins the basic resource-attribute filter Grafana and obs-smoke send.
    #[test]
    fn resource_equality() {
        let q = parse(r#"{resource.service.name="peak_trade_smoke_sender"}"#);
        let want = cmp(named(Scope::Resource, "service.name"), Op::Eq, Lit::Str("peak_trade_smoke_sender".into()));
        assert_eq!(q, Ok(Spanset::Filter(want)));
    }

    /// Pins intrinsics, keywords, durations with units and precedence of && over ||.
    #[test]
    fn intrinsics_and_precedence() {
        let q = parse("{ status = error || duration > 1.5ms && kind = server }").unwrap();
        let want = Field::Or(
            Box::new(cmp(Attr::Status, Op::Eq, Lit::Status(2))),
            Box::new(Field::And(
                Box::new(cmp(Attr::Duration, Op::Gt, Lit::Duration(1_500_000))),
                Box::new(cmp(Attr::Kind, Op::Eq, Lit::Kind(2))),
            )),
        );
        assert_eq!(q, Spanset::Filter(want));
    }

    /// Pins spanset-level operators with parentheses, negation and each literal type.
    #[test]
    fn spanset_operators() {
        let q = parse(r#"({ .a = 1 } || { span.b != -2.5 }) && { !(.c = true) && name =~ "po.*" }"#).unwrap();
        let left = Spanset::Or(
            Box::new(Spanset::Filter(cmp(named(Scope::Any, "a"), Op::Eq, Lit::Int(1)))),
            Box::new(Spanset::Filter(cmp(named(Scope::Span, "b"), Op::Ne, Lit::Float(-2.5)))),
        );
        let right = Field::And(
            Box::new(Field::Not(Box::new(cmp(named(Scope::Any, "c"), Op::Eq, Lit::Bool(true))))),
            Box::new(cmp(Attr::Name, Op::Re, Lit::Str("po.*".into()))),
        );
        assert_eq!(q, Spanset::And(Box::new(left), Box::new(Spanset::Filter(right))));
    }

    /// Pins that `{}` matches everything and that new-style intrinsic spellings parse.
    #[test]
    fn empty_and_new_spellings() {
        assert_eq!(parse("{}").unwrap(), Spanset::Filter(Field::True));
        let q = parse("{ span:duration >= 10us && trace:rootService = `svc` }").unwrap();
        let want = Field::And(
            Box::new(cmp(Attr::Duration, Op::Ge, Lit::Duration(10_000))),
            Box::new(cmp(Attr::RootService, Op::Eq, Lit::Str("svc".into()))),
        );
        assert_eq!(q, Spanset::Filter(want));
    }

    /// Pins Tempo's message and column for a query cut short (`{status=` → col 9, `$end`).
    #[test]
    fn error_at_end_names_column() {
        let err = parse("{status=").unwrap_err();
        assert_eq!((err.line, err.col), (1, 9));
        assert!(err.message.starts_with("syntax error: unexpected $end"), "{}", err.message);
        assert_eq!(err.to_string().split(':').next(), Some("parse error at line 1, col 9"));
    }

    /// Pins errors for unscoped names, bad units, unterminated strings, pipelines and trailing junk.
    #[test]
    fn errors_name_the_problem() {
        let cases = [
            ("{ foo = 1 }", 3, "unknown attribute"),
            ("{ duration > 5parsecs }", 14, "invalid number"),
            ("{ .a = \"x }", 12, "unterminated string"),
            ("{ .a = 1 } | count() > 2", 12, "pipeline"),
            ("{ .a = 1 } }", 12, "unexpected }"),
            ("{ .a 1 }", 6, "comparison operator"),
            ("{ .a =~ 1 }", 11, "regular expression"),
        ];
        for (query, col, needle) in cases {
            let err = parse(query).unwrap_err();
            assert_eq!(err.col, col, "{query}: {err}");
            assert!(err.message.contains(needle), "{query}: {err}");
        }
    }

    /// Pins that odd input (unicode, stray bytes, deep nesting, unit look-alikes) errors instead of panicking.
    #[test]
    fn odd_input_never_panics() {
        let deep = format!("{}{{}}{}", "(".repeat(60), ")".repeat(60));
        let too_deep = format!("{}{{}}{}", "(".repeat(1000), ")".repeat(1000));
        assert!(parse(&too_deep).unwrap_err().message.contains("nests deeper"));
        assert!(parse(&format!("{{ {} .a = 1 }}", "!".repeat(100_000))).is_err());
        let long = format!("{{ .a = 1{} }}", " && .a = 1".repeat(10_000));
        assert!(parse(&long).unwrap_err().message.contains("too long"));
        let cases = [
            "5¡",
            "{ duration > 5¡ }",
            "{ .a = \"é\" } && ",
            "{ .ü = 1 }",
            "{ duration > 1µs }",
            "",
            "}",
            "{",
            "((",
            "{ .a = 1 ||",
            "{ !! }",
            &deep,
        ];
        for query in cases {
            let _ = parse(query);
        }
        assert!(parse("{ duration > 1µs }").is_ok());
        assert!(parse(&deep).is_ok());
    }

    /// Pins line counting for multi-line queries.
    #[test]
    fn multi_line_position() {
        let err = parse("{ .a = 1 }\n&& {").unwrap_err();
        assert_eq!((err.line, err.col), (2, 5));
    }
}
