//! The LogQL subset: a hand-written lexer and recursive-descent parser into an AST, and its
//! evaluation against the store.

pub mod ast;
pub mod eval;
pub mod lexer;
pub mod parser;
pub mod template;
pub mod units;

pub use parser::{parse, parse_with};

use obs_contract::query::LimitError;

/// A query that does not parse, with Loki's message shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Line, from 1 (0 when the error has no position).
    pub line: usize,
    /// Column, from 1.
    pub col: usize,
    /// What is wrong.
    pub msg: String,
}

impl ParseError {
    /// An error at a position.
    pub fn at(line: usize, col: usize, msg: impl Into<String>) -> Self {
        ParseError { line, col, msg: msg.into() }
    }

    /// An error about the whole query.
    pub fn whole(msg: impl Into<String>) -> Self {
        ParseError { line: 0, col: 0, msg: msg.into() }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "parse error : {}", self.msg)
        } else {
            write!(f, "parse error at line {}, col {}: {}", self.line, self.col, self.msg)
        }
    }
}

impl std::error::Error for ParseError {}

/// A valid query this backend does not evaluate, naming what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// Why a query cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Syntax error (400).
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Valid LogQL we do not support (400, naming the feature).
    #[error("unsupported LogQL feature in the embedded backend: {0}; use a real Loki for it")]
    Unsupported(String),
    /// A limit or parameter problem (400).
    #[error("{0}")]
    Bad(String),
    /// A query limit stopped it: too big a text, too many samples, its deadline, its client gone.
    #[error(transparent)]
    Limit(#[from] LimitError),
}
