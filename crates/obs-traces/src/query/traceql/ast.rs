//! The parsed form of a TraceQL query. `&&` and `||` chains are flat lists, so the tree is only
//! as deep as the query's brackets and `!` (bounded by the parser): walking or dropping it
//! recursively stays within a small, fixed stack.

/// A spanset expression: filters combined with `&&` (every spanset non-empty) and `||`.
#[derive(Debug, Clone, PartialEq)]
pub enum Spanset {
    /// `{ field expression }`.
    Filter(Field),
    /// `a && b && ...` (two or more operands).
    And(Vec<Spanset>),
    /// `a || b || ...` (two or more operands).
    Or(Vec<Spanset>),
}

/// A per-span condition inside `{ }`.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// `{}` or `{ true }`: every span.
    True,
    /// `a && b && ...` (two or more operands).
    And(Vec<Field>),
    /// `a || b || ...` (two or more operands).
    Or(Vec<Field>),
    /// `!a`.
    Not(Box<Field>),
    /// `attribute op literal`.
    Cmp(Cmp),
}

/// One comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Cmp {
    /// Left side.
    pub attr: Attr,
    /// Operator.
    pub op: Op,
    /// Right side.
    pub lit: Lit,
}

/// Where a named attribute is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `.x`: span first, then resource.
    Any,
    /// `span.x`.
    Span,
    /// `resource.x`.
    Resource,
}

/// An attribute or intrinsic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attr {
    /// Span name.
    Name,
    /// Span status (`error`, `ok`, `unset`).
    Status,
    /// Span kind.
    Kind,
    /// Span duration.
    Duration,
    /// Span status message.
    StatusMessage,
    /// Whole trace's duration.
    TraceDuration,
    /// Root span's name.
    RootName,
    /// Root span's service name.
    RootService,
    /// A resource or span attribute.
    Named {
        /// Lookup scope.
        scope: Scope,
        /// Attribute key, e.g. `service.name`.
        key: String,
    },
}

/// Comparison operators (`Text` is internal: the legacy tag search's string-form equality).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `=~` (fully anchored)
    Re,
    /// `!~`
    NotRe,
    /// Value rendered as text equals the literal (legacy `tags` search).
    Text,
}

/// A literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// `"text"`.
    Str(String),
    /// `42`.
    Int(i64),
    /// `1.5`.
    Float(f64),
    /// `true`/`false`.
    Bool(bool),
    /// `100ms`, in nanoseconds.
    Duration(u64),
    /// `error` (2), `ok` (1), `unset` (0).
    Status(u8),
    /// `server` (2) and the other span kinds by OTLP number.
    Kind(u8),
    /// `nil`: the attribute is absent.
    Nil,
}

/// Status keyword of an OTLP status code.
pub fn status_name(code: u8) -> &'static str {
    match code {
        1 => "ok",
        2 => "error",
        _ => "unset",
    }
}

/// Kind keyword of an OTLP span kind.
pub fn kind_name(kind: u8) -> &'static str {
    match kind {
        1 => "internal",
        2 => "server",
        3 => "client",
        4 => "producer",
        5 => "consumer",
        _ => "unspecified",
    }
}

/// The intrinsic spelled `word` (old and `span:`/`trace:` spellings).
pub fn intrinsic(word: &str) -> Option<Attr> {
    Some(match word {
        "name" | "span:name" => Attr::Name,
        "status" | "span:status" => Attr::Status,
        "kind" | "span:kind" => Attr::Kind,
        "duration" | "span:duration" => Attr::Duration,
        "statusMessage" | "span:statusMessage" => Attr::StatusMessage,
        "traceDuration" | "trace:duration" => Attr::TraceDuration,
        "rootName" | "trace:rootName" => Attr::RootName,
        "rootServiceName" | "trace:rootService" => Attr::RootService,
        _ => return None,
    })
}

/// The attribute a word names, if it is an intrinsic or a scoped attribute.
pub fn attribute(word: &str) -> Option<Attr> {
    if let Some(attr) = intrinsic(word) {
        return Some(attr);
    }
    let (scope, key) = if let Some(key) = word.strip_prefix("resource.") {
        (Scope::Resource, key)
    } else if let Some(key) = word.strip_prefix("span.") {
        (Scope::Span, key)
    } else if let Some(key) = word.strip_prefix('.') {
        (Scope::Any, key)
    } else {
        return None;
    };
    (!key.is_empty()).then(|| Attr::Named { scope, key: key.to_owned() })
}

/// The literal a keyword stands for.
pub fn keyword(word: &str) -> Option<Lit> {
    Some(match word {
        "true" => Lit::Bool(true),
        "false" => Lit::Bool(false),
        "nil" => Lit::Nil,
        "error" => Lit::Status(2),
        "ok" => Lit::Status(1),
        "unset" => Lit::Status(0),
        "unspecified" => Lit::Kind(0),
        "internal" => Lit::Kind(1),
        "server" => Lit::Kind(2),
        "client" => Lit::Kind(3),
        "producer" => Lit::Kind(4),
        "consumer" => Lit::Kind(5),
        _ => return None,
    })
}
