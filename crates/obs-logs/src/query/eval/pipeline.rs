//! A log pipeline compiled against the store: line filters as substring finders and byte
//! regexes, label names resolved to fields once, trace ids compared as bytes.

use memchr::memmem::Finder;

use super::parsers;
use super::view::{Builtin, Field, View};
use crate::query::ast::{CmpOp, LabelFilter, LineOp, LogExpr, MatchOp, Matcher, Stage, TemplatePart};
use crate::query::lexer::{parse_bytes, parse_duration};
use crate::store::Inner;

/// Labels extracted by parser stages (and `__error__`).
pub type Parsed = Vec<(String, String)>;

/// What a pipeline made of a record: extracted labels and, after `line_format`, a new line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Extracted labels.
    pub parsed: Parsed,
    /// The line as `line_format` rewrote it.
    pub line: Option<String>,
}

/// A compiled pipeline.
pub struct Pipeline {
    stages: Vec<Compiled>,
}

enum Compiled {
    Contains(Finder<'static>),
    NotContains(Finder<'static>),
    Match(regex::bytes::Regex),
    NotMatch(regex::bytes::Regex),
    Json,
    Logfmt,
    Filter(Filter),
    Drop(Vec<String>),
    LineFormat(Vec<Part>),
}

/// A compiled `line_format` piece.
enum Part {
    Text(String),
    Label(Field),
    Line,
}

enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    /// `trace_id` / `span_id` equality, compared as bytes (None: the value is not hex).
    Id {
        builtin: Builtin,
        negate: bool,
        expected: Option<Vec<u8>>,
    },
    Str {
        field: Field,
        matcher: Matcher,
    },
    Num {
        field: Field,
        op: CmpOp,
        value: f64,
    },
}

impl Pipeline {
    /// Compiles a log expression's stages.
    pub fn compile(inner: &Inner, log: &LogExpr) -> Pipeline {
        let stages = log
            .stages
            .iter()
            .map(|stage| match stage {
                Stage::Line { op, pattern, re } => match (op, re) {
                    (LineOp::Contains, _) => Compiled::Contains(Finder::new(pattern.as_bytes()).into_owned()),
                    (LineOp::NotContains, _) => Compiled::NotContains(Finder::new(pattern.as_bytes()).into_owned()),
                    (LineOp::Match, Some(re)) => Compiled::Match(re.clone()),
                    (LineOp::NotMatch, Some(re)) => Compiled::NotMatch(re.clone()),
                    (LineOp::Match | LineOp::NotMatch, None) => Compiled::Contains(Finder::new(b"").into_owned()),
                },
                Stage::Json => Compiled::Json,
                Stage::Logfmt => Compiled::Logfmt,
                Stage::Filter(f) => Compiled::Filter(compile_filter(inner, f)),
                Stage::Drop(names) => Compiled::Drop(names.clone()),
                Stage::LineFormat(parts) => Compiled::LineFormat(
                    parts
                        .iter()
                        .map(|p| match p {
                            TemplatePart::Text(t) => Part::Text(t.clone()),
                            TemplatePart::Label(name) => Part::Label(Field::resolve(inner, name)),
                            TemplatePart::Line => Part::Line,
                        })
                        .collect(),
                ),
            })
            .collect();
        Pipeline { stages }
    }

    /// The trace id every passing record must have (a top-level `| trace_id="..."`), as the
    /// segment trace index key.
    pub fn required_trace(&self) -> Option<u64> {
        self.stages.iter().find_map(|stage| match stage {
            Compiled::Filter(Filter::Id { builtin: Builtin::TraceId, negate: false, expected: Some(e) })
                if e.len() == 16 =>
            {
                Some(crate::store::trace_prefix(e))
            }
            _ => None,
        })
    }

    /// A non-empty substring every passing line must contain (the first `|=` stage).
    pub fn required_literal(&self) -> Option<&Finder<'static>> {
        let before_format = self.stages.iter().take_while(|s| !matches!(s, Compiled::LineFormat(_)));
        before_format.into_iter().find_map(|stage| match stage {
            Compiled::Contains(f) if !f.needle().is_empty() => Some(f),
            _ => None,
        })
    }

    /// Whether a parser stage may add labels.
    pub fn has_parser(&self) -> bool {
        self.stages.iter().any(|s| matches!(s, Compiled::Json | Compiled::Logfmt))
    }

    /// Whether a record passes; what it extracted is left in `out`.
    pub fn run(&self, view: &mut View<'_>, out: &mut Extracted) -> bool {
        out.parsed.clear();
        out.line = None;
        for stage in &self.stages {
            let Extracted { parsed, line } = &mut *out;
            let current: &[u8] = match line {
                Some(l) => l.as_bytes(),
                None => view.line(),
            };
            let pass = match stage {
                Compiled::Contains(f) => f.find(current).is_some(),
                Compiled::NotContains(f) => f.find(current).is_none(),
                Compiled::Match(re) => re.is_match(current),
                Compiled::NotMatch(re) => !re.is_match(current),
                Compiled::Json => {
                    parsers::json(view, parsed, current);
                    true
                }
                Compiled::Logfmt => {
                    parsers::logfmt(view, parsed, &String::from_utf8_lossy(current));
                    true
                }
                Compiled::Filter(f) => f.holds(view, parsed),
                Compiled::Drop(names) => {
                    parsed.retain(|(k, _)| !names.contains(k));
                    true
                }
                Compiled::LineFormat(parts) => {
                    let formatted = format_line(parts, view, parsed, current);
                    *line = Some(formatted);
                    true
                }
            };
            if !pass {
                return false;
            }
        }
        true
    }
}

/// Renders a `line_format` template for a record.
fn format_line(parts: &[Part], view: &mut View<'_>, parsed: &Parsed, current: &[u8]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Line => out.push_str(&String::from_utf8_lossy(current)),
            Part::Label(field) => with_value(view, parsed, field, |v| out.push_str(v.unwrap_or(""))),
        }
    }
    out
}

fn compile_filter(inner: &Inner, filter: &LabelFilter) -> Filter {
    match filter {
        LabelFilter::And(all) => Filter::And(all.iter().map(|f| compile_filter(inner, f)).collect()),
        LabelFilter::Or(any) => Filter::Or(any.iter().map(|f| compile_filter(inner, f)).collect()),
        LabelFilter::Str(m) => {
            let builtin = Builtin::from_name(&m.name).filter(|b| matches!(b, Builtin::TraceId | Builtin::SpanId));
            match (builtin, m.op) {
                (Some(builtin), MatchOp::Eq | MatchOp::Neq) => Filter::Id {
                    builtin,
                    negate: m.op == MatchOp::Neq,
                    expected: if m.value.is_empty() {
                        Some(Vec::new())
                    } else {
                        hex::decode(m.value.to_ascii_lowercase()).ok()
                    },
                },
                _ => Filter::Str { field: Field::resolve(inner, &m.name), matcher: m.clone() },
            }
        }
        LabelFilter::Num { name, op, value } => {
            Filter::Num { field: Field::resolve(inner, name), op: *op, value: *value }
        }
    }
}

impl Filter {
    fn holds(&self, view: &mut View<'_>, parsed: &Parsed) -> bool {
        match self {
            Filter::And(all) => all.iter().all(|f| f.holds(view, parsed)),
            Filter::Or(any) => any.iter().any(|f| f.holds(view, parsed)),
            Filter::Id { builtin, negate, expected } => {
                let decoded = view.decoded();
                let actual = if *builtin == Builtin::TraceId { decoded.trace_id } else { decoded.span_id };
                let equal = match expected {
                    Some(e) => actual.unwrap_or(&[]) == e.as_slice(),
                    None => false,
                };
                equal != *negate
            }
            Filter::Str { field, matcher } => with_value(view, parsed, field, |v| matcher.matches(v.unwrap_or(""))),
            Filter::Num { field, op, value } => {
                with_value(view, parsed, field, |v| v.and_then(number_of).is_some_and(|n| op.holds(n, *value)))
            }
        }
    }
}

/// Calls `f` with a label's value: parsed labels, then index labels and metadata.
pub fn with_value<R>(view: &mut View<'_>, parsed: &Parsed, field: &Field, f: impl FnOnce(Option<&str>) -> R) -> R {
    if let Some((_, v)) = parsed.iter().find(|(k, _)| *k == field.name) {
        return f(Some(v));
    }
    let value = view.get(field);
    f(value.as_deref())
}

/// A label value as a number: plain, a duration (seconds) or a byte size.
fn number_of(text: &str) -> Option<f64> {
    let text = text.trim();
    text.parse::<f64>().ok().or_else(|| parse_duration(text).map(|ns| ns as f64 / 1e9)).or_else(|| parse_bytes(text))
}
