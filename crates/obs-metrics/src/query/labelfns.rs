//! Functions that rewrite labels (`label_replace`, `label_join`) or invent them (`absent`).

use promql_parser::label::MatchOp;
use promql_parser::parser::Expr;

use super::eval::Evaluator;
use super::{QueryError, Sample, label_of};
use crate::store::Labels;

/// A string argument (a string literal, possibly in parentheses).
fn string_arg(expr: &Expr, name: &str) -> Result<String, QueryError> {
    match expr {
        Expr::StringLiteral(s) => Ok(s.val.clone()),
        Expr::Paren(p) => string_arg(&p.expr, name),
        _ => Err(QueryError::BadData(format!("{name}: expected a string argument"))),
    }
}

fn valid_label_name(name: &str) -> bool {
    name.chars().enumerate().all(|(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()))
        && !name.is_empty()
}

/// Sets or removes (when `value` is empty) label `dst`, keeping the set sorted.
fn with_label(labels: &Labels, dst: &str, value: &str) -> Labels {
    let mut out: Labels = labels.iter().filter(|(k, _)| k != dst).cloned().collect();
    if !value.is_empty() {
        out.push((dst.to_string(), value.to_string()));
        out.sort();
    }
    out
}

/// `label_replace(v, dst, replacement, src, regex)`: where the fully anchored `regex` matches
/// the `src` value, `dst` becomes the expanded `replacement`; other series pass unchanged.
pub fn label_replace(ev: &Evaluator<'_>, args: &[Box<Expr>], t: i64) -> Result<Vec<Sample>, QueryError> {
    let [v, dst, replacement, src, regex] = args else {
        return Err(QueryError::BadData("label_replace: expected 5 arguments".into()));
    };
    let (dst, replacement) = (string_arg(dst, "label_replace")?, string_arg(replacement, "label_replace")?);
    let (src, regex) = (string_arg(src, "label_replace")?, string_arg(regex, "label_replace")?);
    let re = regex::Regex::new(&format!("^(?s:{regex})$"))
        .map_err(|e| QueryError::BadData(format!("invalid regular expression in label_replace(): {e}")))?;
    if !valid_label_name(&dst) {
        return Err(QueryError::BadData(format!("invalid destination label name in label_replace(): {dst}")));
    }
    Ok(ev
        .vector(v, t)?
        .into_iter()
        .map(|s| match re.captures(label_of(&s.labels, &src)) {
            Some(caps) => {
                let mut value = String::new();
                caps.expand(&replacement, &mut value);
                Sample { labels: ev.labels.intern(with_label(&s.labels, &dst, &value)), value: s.value }
            }
            None => s,
        })
        .collect())
}

/// `label_join(v, dst, separator, src...)`: `dst` becomes the `src` values joined by `separator`.
pub fn label_join(ev: &Evaluator<'_>, args: &[Box<Expr>], t: i64) -> Result<Vec<Sample>, QueryError> {
    let [v, dst, separator, srcs @ ..] = args else {
        return Err(QueryError::BadData("label_join: expected at least 3 arguments".into()));
    };
    let (dst, separator) = (string_arg(dst, "label_join")?, string_arg(separator, "label_join")?);
    let srcs = srcs.iter().map(|s| string_arg(s, "label_join")).collect::<Result<Vec<_>, _>>()?;
    if !valid_label_name(&dst) {
        return Err(QueryError::BadData(format!("invalid destination label name in label_join(): {dst}")));
    }
    Ok(ev
        .vector(v, t)?
        .into_iter()
        .map(|s| {
            let joined = srcs.iter().map(|src| label_of(&s.labels, src)).collect::<Vec<_>>().join(&separator);
            Sample { labels: ev.labels.intern(with_label(&s.labels, &dst, &joined)), value: s.value }
        })
        .collect())
}

/// `absent(v)`: empty when `v` has samples, else one sample valued 1 carrying the selector's
/// equality-matched labels.
pub fn absent(ev: &Evaluator<'_>, arg: &Expr, t: i64) -> Result<Vec<Sample>, QueryError> {
    if !ev.vector(arg, t)?.is_empty() {
        return Ok(Vec::new());
    }
    let mut labels: Labels = match arg {
        Expr::VectorSelector(vs) if vs.matchers.or_matchers.is_empty() => vs
            .matchers
            .matchers
            .iter()
            .filter(|m| m.op == MatchOp::Equal && m.name != "__name__")
            .map(|m| (m.name.clone(), m.value.clone()))
            .collect(),
        _ => Vec::new(),
    };
    labels.sort();
    labels.dedup_by(|a, b| a.0 == b.0);
    Ok(vec![Sample { labels: ev.labels.intern(labels), value: 1.0 }])
}
