//! Splits a TraceQL query into tokens with their byte offsets.

use super::ParseError;
use super::ast::Op;

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `!`
    Not,
    /// `|` (pipelines are not supported; the parser says so)
    Pipe,
    /// A comparison operator.
    Op(Op),
    /// A quoted string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A duration in nanoseconds.
    Duration(u64),
    /// An attribute name, intrinsic or keyword.
    Word(String),
    /// End of input.
    End,
}

impl std::fmt::Display for Tok {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tok::LBrace => f.write_str("{"),
            Tok::RBrace => f.write_str("}"),
            Tok::LParen => f.write_str("("),
            Tok::RParen => f.write_str(")"),
            Tok::And => f.write_str("&&"),
            Tok::Or => f.write_str("||"),
            Tok::Not => f.write_str("!"),
            Tok::Pipe => f.write_str("|"),
            Tok::Op(op) => f.write_str(op_text(*op)),
            Tok::Str(s) => write!(f, "{s:?}"),
            Tok::Int(i) => write!(f, "{i}"),
            Tok::Float(x) => write!(f, "{x}"),
            Tok::Duration(ns) => write!(f, "{ns}ns"),
            Tok::Word(w) => f.write_str(w),
            Tok::End => f.write_str("$end"),
        }
    }
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Eq | Op::Text => "=",
        Op::Ne => "!=",
        Op::Gt => ">",
        Op::Ge => ">=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Re => "=~",
        Op::NotRe => "!~",
    }
}

/// Tokens with their byte offsets; the last one is [`Tok::End`].
pub fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            (b'{', _) => (Tok::LBrace, 1),
            (b'}', _) => (Tok::RBrace, 1),
            (b'(', _) => (Tok::LParen, 1),
            (b')', _) => (Tok::RParen, 1),
            (b'&', Some(b'&')) => (Tok::And, 2),
            (b'|', Some(b'|')) => (Tok::Or, 2),
            (b'|', _) => (Tok::Pipe, 1),
            (b'=', Some(b'~')) => (Tok::Op(Op::Re), 2),
            (b'=', _) => (Tok::Op(Op::Eq), 1),
            (b'!', Some(b'=')) => (Tok::Op(Op::Ne), 2),
            (b'!', Some(b'~')) => (Tok::Op(Op::NotRe), 2),
            (b'!', _) => (Tok::Not, 1),
            (b'>', Some(b'=')) => (Tok::Op(Op::Ge), 2),
            (b'>', _) => (Tok::Op(Op::Gt), 1),
            (b'<', Some(b'=')) => (Tok::Op(Op::Le), 2),
            (b'<', _) => (Tok::Op(Op::Lt), 1),
            (b'"' | b'`', _) => string(src, i)?,
            (b'0'..=b'9', _) | (b'-', Some(b'0'..=b'9')) => number(src, i)?,
            (b'.' | b'_' | b'a'..=b'z' | b'A'..=b'Z', _) => word(src, i),
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(ParseError::at(src, i, format!("syntax error: unexpected character {ch:?}")));
            }
        };
        out.push((tok, i));
        i += len;
    }
    out.push((Tok::End, src.len()));
    Ok(out)
}

fn string(src: &str, start: usize) -> Result<(Tok, usize), ParseError> {
    let quote = src.as_bytes()[start] as char;
    let mut text = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        match ch {
            c if c == quote => return Ok((Tok::Str(text), off + 2)),
            '\\' if quote == '"' => match chars.next() {
                Some((_, 'n')) => text.push('\n'),
                Some((_, 't')) => text.push('\t'),
                Some((_, 'r')) => text.push('\r'),
                Some((_, other)) => text.push(other),
                None => break,
            },
            c => text.push(c),
        }
    }
    Err(ParseError::at(src, src.len(), "syntax error: unterminated string, expecting a closing quote"))
}

fn number(src: &str, start: usize) -> Result<(Tok, usize), ParseError> {
    let bytes = src.as_bytes();
    let mut end = start + 1;
    while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
        end += 1;
    }
    let digits = &src[start..end];
    let unit_len: usize =
        src[end..].chars().take_while(|c| c.is_ascii_alphabetic() || *c == 'µ').map(char::len_utf8).sum();
    let unit_end = end + unit_len;
    let unit = &src[end..unit_end];
    let bad = || ParseError::at(src, start, format!("syntax error: invalid number {:?}", &src[start..unit_end]));
    if !unit.is_empty() {
        let scale = obs_contract::time::go_unit_ns(unit).ok_or_else(bad)?;
        let value: f64 = digits.parse().map_err(|_| bad())?;
        if value < 0.0 {
            return Err(bad());
        }
        return Ok((Tok::Duration((value * scale).round() as u64), unit_end - start));
    }
    if digits.contains('.') {
        let value: f64 = digits.parse().map_err(|_| bad())?;
        return Ok((Tok::Float(value), end - start));
    }
    let value: i64 = digits.parse().map_err(|_| bad())?;
    Ok((Tok::Int(value), end - start))
}

fn word(src: &str, start: usize) -> (Tok, usize) {
    let bytes = src.as_bytes();
    let mut end = start + 1;
    while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'_' | b'.' | b':' | b'/')) {
        end += 1;
    }
    (Tok::Word(src[start..end].to_owned()), end - start)
}
