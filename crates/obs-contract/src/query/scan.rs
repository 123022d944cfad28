//! A lexical bound on query text, checked before any parser runs: length, bracket depth and
//! operator count. Parsers and evaluators recurse on nesting, so text that is deeper or longer
//! than any real query is refused here, in one place, for PromQL, LogQL and TraceQL alike.
//!
//! The scan skips quoted strings (`"..."`, `'...'`, `` `...` ``), counts `( [ {` nesting and
//! counts every operator character (`+ - * / % ^ = ! < > & | ~`) on its own, so a run of unary
//! signs (`- - -1` or `---1`) counts as deep as the parser nests it. It over-counts (`=~` is
//! two, a `=` inside a matcher is one), which only makes the bound stricter for absurd queries.

use super::{LimitError, QueryLimits};

/// What the scan measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// Deepest bracket nesting.
    pub depth: usize,
    /// Operator characters outside strings.
    pub operators: usize,
}

/// `Err` when `text` is longer, deeper or has more operators than `limits` allow.
pub fn check(text: &str, limits: &QueryLimits) -> Result<Shape, LimitError> {
    if text.len() > limits.max_query_bytes {
        return Err(LimitError::TooBig {
            what: "length in bytes",
            actual: text.len(),
            limit: limits.max_query_bytes,
            hint: "send a shorter query",
        });
    }
    let shape = measure(text.as_bytes());
    if shape.depth > limits.max_depth {
        return Err(LimitError::TooBig {
            what: "nesting depth",
            actual: shape.depth,
            limit: limits.max_depth,
            hint: "flatten the brackets and nested calls",
        });
    }
    if shape.operators > limits.max_terms {
        return Err(LimitError::TooBig {
            what: "number of operators",
            actual: shape.operators,
            limit: limits.max_terms,
            hint: "split the query into several smaller ones",
        });
    }
    Ok(shape)
}

/// The bracket depth and operator count of `text`, strings skipped.
pub fn measure(text: &[u8]) -> Shape {
    let mut shape = Shape::default();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < text.len() {
        let c = text[i];
        match c {
            b'"' | b'\'' | b'`' => i = skip_string(text, i),
            b'(' | b'[' | b'{' => {
                depth += 1;
                shape.depth = shape.depth.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let operator =
            matches!(c, b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b'~');
        if operator {
            shape.operators += 1;
        }
        i += 1;
    }
    shape
}

/// The index of the closing quote of the string opening at `start` (or the last byte).
pub fn skip_string(text: &[u8], start: usize) -> usize {
    let quote = text[start];
    let mut i = start + 1;
    while i < text.len() {
        match text[i] {
            b'\\' if quote != b'`' => i += 2,
            c if c == quote => return i,
            _ => i += 1,
        }
    }
    text.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real queries pass; deep, long and operator-heavy ones are refused naming the limit.
    #[test]
    fn bounds() {
        let limits = QueryLimits::default();
        assert!(check(r#"sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))"#, &limits).is_ok());
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(matches!(check(&deep, &limits), Err(LimitError::TooBig { what: "length in bytes", .. })));
        let nested = format!("{}1{}", "abs(".repeat(200), ")".repeat(200));
        assert!(matches!(check(&nested, &limits), Err(LimitError::TooBig { what: "nesting depth", .. })));
        let chain = vec!["1"; 5_000].join("+");
        let err = check(&chain, &limits).map_err(|e| e.to_string());
        assert!(
            err.as_ref().is_err_and(|e| e.contains("number of operators is 4999, over the limit of 1000")),
            "{err:?}"
        );
    }

    /// Brackets and operators inside strings do not count.
    #[test]
    fn strings_are_skipped() {
        let shape = measure(br#"{a="((((+++", b='x\'(('} |= `((`"#);
        assert_eq!(shape, Shape { depth: 1, operators: 4 });
        assert_eq!(measure(b"---1").operators, 3);
    }
}
