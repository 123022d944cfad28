//! The TraceQL subset: spanset filters `{ ... }` joined by `&&`/`||` (with parentheses), field
//! comparisons on scoped attributes and intrinsics (`name`, `status`, `kind`, `duration`,
//! `statusMessage`, `traceDuration`, `rootName`, `rootServiceName`), all comparison and regex
//! operators, and string/int/float/bool/duration/status/kind literals. Hand-written lexer and
//! recursive-descent parser; errors name the line and column like Tempo's.

pub mod ast;
mod lexer;
mod parser;
#[cfg(test)]
mod tests;

pub use parser::parse;

/// A syntax error at a position of the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "parse error at line {}, col {}: {}", self.line, self.col, self.message)
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    /// An error at byte `offset` of `src`.
    pub fn at(src: &str, offset: usize, message: impl Into<String>) -> Self {
        let before = src.get(..offset).unwrap_or(src);
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Self { line, col, message: message.into() }
    }
}
