//! The LogQL syntax tree the parser builds and the evaluator walks.

use regex::Regex;

/// A whole query.
#[derive(Debug)]
pub enum Query {
    /// A log query (streams).
    Log(LogExpr),
    /// A metric query (vectors, matrices, scalars).
    Metric(MetricExpr),
}

/// A stream selector and its pipeline.
#[derive(Debug, Clone)]
pub struct LogExpr {
    /// Matchers on index labels.
    pub matchers: Vec<Matcher>,
    /// Stages applied in order.
    pub stages: Vec<Stage>,
}

impl LogExpr {
    /// Every label name a `drop` stage removes.
    pub fn dropped_labels(&self) -> Vec<String> {
        let drops = self.stages.iter().filter_map(|s| if let Stage::Drop(names) = s { Some(names) } else { None });
        drops.flatten().cloned().collect()
    }
}

/// A label matcher (`name op "value"`).
#[derive(Debug, Clone)]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// Operator.
    pub op: MatchOp,
    /// Value or pattern.
    pub value: String,
    /// Compiled, fully anchored pattern (for `=~` / `!~`).
    pub re: Option<Regex>,
}

impl Matcher {
    /// Whether a label value (empty when absent) matches.
    pub fn matches(&self, value: &str) -> bool {
        match self.op {
            MatchOp::Eq => value == self.value,
            MatchOp::Neq => value != self.value,
            MatchOp::Re => self.re.as_ref().is_some_and(|re| re.is_match(value)),
            MatchOp::Nre => !self.re.as_ref().is_some_and(|re| re.is_match(value)),
        }
    }
}

/// String match operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    /// `=`
    Eq,
    /// `!=`
    Neq,
    /// `=~`
    Re,
    /// `!~`
    Nre,
}

/// Line filter operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineOp {
    /// `|=`
    Contains,
    /// `!=`
    NotContains,
    /// `|~`
    Match,
    /// `!~`
    NotMatch,
}

/// One pipeline stage.
#[derive(Debug, Clone)]
pub enum Stage {
    /// A line filter.
    Line {
        /// Operator.
        op: LineOp,
        /// Text or pattern.
        pattern: String,
        /// Compiled, unanchored pattern (for `|~` / `!~`).
        re: Option<regex::bytes::Regex>,
    },
    /// `| json`.
    Json,
    /// `| logfmt`.
    Logfmt,
    /// A label filter.
    Filter(LabelFilter),
    /// `| drop a, b`: labels removed from the answer (parsed ones at once).
    Drop(Vec<String>),
    /// `| line_format "..."` with `{{.label}}` and `{{__line__}}` substitutions only.
    LineFormat(Vec<TemplatePart>),
}

/// A piece of a `line_format` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// `{{.name}}`: a label's value (empty when absent).
    Label(String),
    /// `{{__line__}}`: the current line.
    Line,
}

/// Numeric comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==` (or `=` with a number)
    Eq,
    /// `!=`
    Neq,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
}

impl CmpOp {
    /// Applies the comparison.
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Neq => a != b,
            CmpOp::Gt => a > b,
            CmpOp::Gte => a >= b,
            CmpOp::Lt => a < b,
            CmpOp::Lte => a <= b,
        }
    }
}

/// A label filter expression. Chains of `and`/`or` are flat lists, so the tree is only as
/// deep as its brackets (which the parser bounds) and walking or dropping it never recurses
/// once per term.
#[derive(Debug, Clone)]
pub enum LabelFilter {
    /// All hold.
    And(Vec<LabelFilter>),
    /// Any holds.
    Or(Vec<LabelFilter>),
    /// A string match on a label.
    Str(Matcher),
    /// A numeric (or duration, bytes) comparison on a label.
    Num {
        /// Label name.
        name: String,
        /// Operator.
        op: CmpOp,
        /// Right-hand side (durations in seconds, sizes in bytes).
        value: f64,
    },
}

/// Range aggregation functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeFn {
    /// `count_over_time`
    Count,
    /// `rate`
    Rate,
    /// `bytes_over_time`
    Bytes,
    /// `bytes_rate`
    BytesRate,
}

/// Vector aggregation operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggOp {
    /// `sum`
    Sum,
    /// `count`
    Count,
    /// `min`
    Min,
    /// `max`
    Max,
    /// `avg`
    Avg,
    /// `topk`
    Topk,
    /// `bottomk`
    Bottomk,
}

/// `by (...)` or `without (...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    /// True for `without`.
    pub without: bool,
    /// Label names.
    pub labels: Vec<String>,
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
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
}

impl BinOp {
    /// Applies the operator.
    pub fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            BinOp::Mod => a % b,
            BinOp::Pow => a.powf(b),
        }
    }
}

/// A metric expression. A chain like `a + b + c + ...` is as deep as it is long, so its
/// evaluation walks it with an explicit stack and its `Drop` unlinks it iteratively.
#[derive(Debug)]
pub enum MetricExpr {
    /// `fn(<log expr> [range])`.
    Range {
        /// Function.
        func: RangeFn,
        /// The logs counted.
        log: LogExpr,
        /// Window, ns.
        range: i64,
    },
    /// `op by (...) (inner)`.
    Agg {
        /// Operator.
        op: AggOp,
        /// Grouping, if any.
        grouping: Option<Grouping>,
        /// `k` of topk/bottomk.
        param: Option<f64>,
        /// The aggregated expression.
        inner: Box<MetricExpr>,
    },
    /// `vector(n)`.
    Vector(f64),
    /// A number literal.
    Number(f64),
    /// `lhs op rhs`.
    Binary {
        /// Operator.
        op: BinOp,
        /// Left side.
        lhs: Box<MetricExpr>,
        /// Right side.
        rhs: Box<MetricExpr>,
    },
}

impl MetricExpr {
    /// Moves the direct children out (leaving cheap leaves in their place) onto `out`.
    fn take_children(&mut self, out: &mut Vec<MetricExpr>) {
        let leaf = || MetricExpr::Number(0.0);
        match self {
            MetricExpr::Binary { lhs, rhs, .. } => {
                out.push(std::mem::replace(&mut **lhs, leaf()));
                out.push(std::mem::replace(&mut **rhs, leaf()));
            }
            MetricExpr::Agg { inner, .. } => out.push(std::mem::replace(&mut **inner, leaf())),
            MetricExpr::Range { .. } | MetricExpr::Vector(_) | MetricExpr::Number(_) => {}
        }
    }
}

impl Drop for MetricExpr {
    /// Drops the tree with an explicit stack: the default drop would recurse once per level.
    fn drop(&mut self) {
        let mut pending = Vec::new();
        self.take_children(&mut pending);
        while let Some(mut expr) = pending.pop() {
            expr.take_children(&mut pending);
        }
    }
}
