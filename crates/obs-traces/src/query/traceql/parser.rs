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
//!
//! `&&`/`||` chains become flat lists; brackets and `!` nest, and a depth counter refuses
//! nesting past [`MAX_DEPTH`] (the lexical scan in `obs_contract::query::scan` refuses it
//! first; this is the second guard, so the parser's own recursion is bounded whatever calls it).

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
        let mut items = vec![self.set_and()?];
        while self.peek() == &Tok::Or {
            self.next();
            items.push(self.set_and()?);
        }
        Ok(flat(items, Spanset::Or, |s| match s {
            Spanset::Or(inner) => Ok(inner),
            other => Err(other),
        }))
    }

    fn set_and(&mut self) -> Result<Spanset, ParseError> {
        let mut items = vec![self.set_atom()?];
        while self.peek() == &Tok::And {
            self.next();
            items.push(self.set_atom()?);
        }
        Ok(flat(items, Spanset::And, |s| match s {
            Spanset::And(inner) => Ok(inner),
            other => Err(other),
        }))
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
        let mut items = vec![self.f_and()?];
        while self.peek() == &Tok::Or {
            self.next();
            items.push(self.f_and()?);
        }
        Ok(flat(items, Field::Or, |f| match f {
            Field::Or(inner) => Ok(inner),
            other => Err(other),
        }))
    }

    fn f_and(&mut self) -> Result<Field, ParseError> {
        let mut items = vec![self.f_unary()?];
        while self.peek() == &Tok::And {
            self.next();
            items.push(self.f_unary()?);
        }
        Ok(flat(items, Field::And, |f| match f {
            Field::And(inner) => Ok(inner),
            other => Err(other),
        }))
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

/// One operand as itself, several as one flat list node: operands that are already the same
/// operator (from brackets, `(a && b) && c`) are spliced in, so chains never nest.
fn flat<T>(items: Vec<T>, node: fn(Vec<T>) -> T, same: fn(T) -> Result<Vec<T>, T>) -> T {
    if items.len() == 1 {
        return items.into_iter().next().unwrap_or_else(|| node(Vec::new()));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match same(item) {
            Ok(inner) => out.extend(inner),
            Err(other) => out.push(other),
        }
    }
    node(out)
}
