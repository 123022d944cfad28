//! LogQL tokens: splits a query into symbols, strings, numbers, durations and identifiers,
//! remembering where each starts so errors can point at a line and column.

use super::ParseError;
pub use super::units::{parse_bytes, parse_duration};

/// One token kind.
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
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `=`
    Eq,
    /// `!=`
    Neq,
    /// `=~`
    Re,
    /// `!~`
    Nre,
    /// `|=`
    PipeExact,
    /// `|~`
    PipeMatch,
    /// `|`
    Pipe,
    /// `==`
    EqEq,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `^`
    Pow,
    /// A quoted or backtick string (unescaped).
    Str(String),
    /// A number.
    Number(f64),
    /// A duration, in ns.
    Duration(i64),
    /// A byte size.
    Bytes(f64),
    /// An identifier or keyword.
    Ident(String),
    /// End of input.
    End,
}

impl Tok {
    /// How Loki's parser names the token in errors.
    pub fn describe(&self) -> String {
        match self {
            Tok::Str(_) => "STRING".into(),
            Tok::Number(_) => "NUMBER".into(),
            Tok::Duration(_) => "DURATION".into(),
            Tok::Bytes(_) => "BYTES".into(),
            Tok::Ident(name) => match name.as_str() {
                "by" | "without" | "and" | "or" | "unless" | "json" | "logfmt" | "offset" | "bool" => name.clone(),
                _ => "IDENTIFIER".into(),
            },
            Tok::End => "$end".into(),
            other => other.symbol().into(),
        }
    }

    /// The text of a punctuation token.
    fn symbol(&self) -> &'static str {
        match self {
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Eq => "=",
            Tok::Neq => "!=",
            Tok::Re => "=~",
            Tok::Nre => "!~",
            Tok::PipeExact => "|=",
            Tok::PipeMatch => "|~",
            Tok::Pipe => "|",
            Tok::EqEq => "==",
            Tok::Gt => ">",
            Tok::Gte => ">=",
            Tok::Lt => "<",
            Tok::Lte => "<=",
            Tok::Add => "+",
            Tok::Sub => "-",
            Tok::Mul => "*",
            Tok::Div => "/",
            Tok::Mod => "%",
            Tok::Pow => "^",
            _ => "?",
        }
    }
}

/// A token and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
}

/// Splits a query into tokens, ending with [`Tok::End`].
pub fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut lexer = Lexer { chars: src.chars().collect(), pos: 0, line: 1, col: 1 };
    let mut out = Vec::new();
    loop {
        lexer.skip_space();
        let (line, col) = (lexer.line, lexer.col);
        let tok = lexer.next_tok()?;
        let end = tok == Tok::End;
        out.push(Token { tok, line, col });
        if end {
            return Ok(out);
        }
    }
}

/// The lexer's cursor.
struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    col: usize,
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek2(&self) -> Option<char> {
        self.chars.get(self.pos + 1).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn err(&self, msg: impl Into<String>) -> ParseError {
        ParseError::at(self.line, self.col, msg)
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.bump();
            } else if c == '#' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else {
                break;
            }
        }
    }

    fn next_tok(&mut self) -> Result<Tok, ParseError> {
        let Some(c) = self.peek() else { return Ok(Tok::End) };
        if c == '"' || c == '`' {
            return self.string(c);
        }
        if c.is_ascii_digit() || (c == '.' && self.peek2().is_some_and(|d| d.is_ascii_digit())) {
            return self.number();
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let mut ident = String::new();
            while let Some(c) = self.peek().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':') {
                ident.push(c);
                self.bump();
            }
            return Ok(Tok::Ident(ident));
        }
        self.punct(c)
    }

    fn punct(&mut self, c: char) -> Result<Tok, ParseError> {
        let two = |lexer: &mut Lexer, tok: Tok| {
            lexer.bump();
            lexer.bump();
            Ok(tok)
        };
        let next = self.peek2();
        match (c, next) {
            ('!', Some('=')) => return two(self, Tok::Neq),
            ('!', Some('~')) => return two(self, Tok::Nre),
            ('=', Some('~')) => return two(self, Tok::Re),
            ('=', Some('=')) => return two(self, Tok::EqEq),
            ('|', Some('=')) => return two(self, Tok::PipeExact),
            ('|', Some('~')) => return two(self, Tok::PipeMatch),
            ('>', Some('=')) => return two(self, Tok::Gte),
            ('<', Some('=')) => return two(self, Tok::Lte),
            _ => {}
        }
        let tok = match c {
            '{' => Tok::LBrace,
            '}' => Tok::RBrace,
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBracket,
            ']' => Tok::RBracket,
            ',' => Tok::Comma,
            '=' => Tok::Eq,
            '|' => Tok::Pipe,
            '>' => Tok::Gt,
            '<' => Tok::Lt,
            '+' => Tok::Add,
            '-' => Tok::Sub,
            '*' => Tok::Mul,
            '/' => Tok::Div,
            '%' => Tok::Mod,
            '^' => Tok::Pow,
            other => return Err(self.err(format!("syntax error: unexpected character {other:?}"))),
        };
        self.bump();
        Ok(tok)
    }

    fn string(&mut self, quote: char) -> Result<Tok, ParseError> {
        let (line, col) = (self.line, self.col);
        self.bump();
        let mut out = String::new();
        loop {
            let Some(c) = self.bump() else {
                return Err(ParseError::at(line, col, "syntax error: literal not terminated"));
            };
            if c == quote {
                return Ok(Tok::Str(out));
            }
            if c == '\\' && quote == '"' {
                out.push(self.escape()?);
            } else {
                out.push(c);
            }
        }
    }

    fn escape(&mut self) -> Result<char, ParseError> {
        let Some(c) = self.bump() else { return Err(self.err("syntax error: literal not terminated")) };
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'v' => '\u{b}',
            'u' => {
                let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| self.err("syntax error: invalid escape \\u"))?
            }
            other => return Err(self.err(format!("syntax error: unknown escape sequence \\{other}"))),
        })
    }

    fn number(&mut self) -> Result<Tok, ParseError> {
        let (line, col) = (self.line, self.col);
        let mut text = String::new();
        while let Some(c) = self.peek().filter(|c| c.is_ascii_alphanumeric() || *c == '.') {
            text.push(c);
            self.bump();
        }
        if let Ok(n) = text.parse::<f64>() {
            return Ok(Tok::Number(n));
        }
        if let Some(ns) = parse_duration(&text) {
            return Ok(Tok::Duration(ns));
        }
        if let Some(bytes) = parse_bytes(&text) {
            return Ok(Tok::Bytes(bytes));
        }
        Err(ParseError::at(line, col, format!("syntax error: invalid number or duration {text:?}")))
    }
}

#[cfg(test)]
mod tests;
