//! The legacy tag search (`tags=` logfmt, or loose `?key=value` parameters) as a query: one
//! flat `&&` list of filters, never a chain, with at most `max_terms` tags.

use obs_contract::query::{LimitError, QueryLimits};

use crate::query::traceql::ast::{Attr, Cmp, Field, Lit, Op, Scope, Spanset};

/// The query a legacy `tags` search stands for: every tag must hold on some span of the trace
/// (`name` is the span name, `status` the status keyword, other keys any attribute, compared by
/// their text). More than `limits.max_terms` tags are refused, naming the limit.
pub fn legacy_query(tags: &[(String, String)], limits: &QueryLimits) -> Result<Spanset, LimitError> {
    if tags.len() > limits.max_terms {
        return Err(LimitError::TooBig {
            what: "number of tags",
            actual: tags.len(),
            limit: limits.max_terms,
            hint: "search with fewer tags (each bare query parameter is a tag), or use a TraceQL query in q",
        });
    }
    let filter = |(key, value): &(String, String)| {
        let attr = match key.as_str() {
            "name" => Attr::Name,
            "status" | "status.code" => Attr::Status,
            _ => Attr::Named { scope: Scope::Any, key: key.clone() },
        };
        Spanset::Filter(Field::Cmp(Cmp { attr, op: Op::Text, lit: Lit::Str(value.clone()) }))
    };
    Ok(match tags {
        [] => Spanset::Filter(Field::True),
        [one] => filter(one),
        many => Spanset::And(many.iter().map(filter).collect()),
    })
}
