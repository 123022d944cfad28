//! `line_format` templates, in the only form evaluated here: literal text with `{{.label}}` and
//! `{{__line__}}` actions. Anything else Go templates can do is refused as unsupported rather
//! than rendered wrongly.

use super::QueryError;
use super::ast::TemplatePart;

/// Splits a template into parts.
pub fn parse(template: &str) -> Result<Vec<TemplatePart>, QueryError> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            parts.push(TemplatePart::Text(rest[..open].to_owned()));
        }
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            return Err(QueryError::Bad(format!("line_format template {template:?} has an unclosed {{{{")));
        };
        parts.push(action(after[..close].trim(), template)?);
        rest = &after[close + 2..];
    }
    if !rest.is_empty() {
        parts.push(TemplatePart::Text(rest.to_owned()));
    }
    Ok(parts)
}

fn action(inner: &str, template: &str) -> Result<TemplatePart, QueryError> {
    if inner == "__line__" {
        return Ok(TemplatePart::Line);
    }
    let name = inner.strip_prefix('.').unwrap_or("");
    let valid = !name.is_empty()
        && name.bytes().enumerate().all(|(i, b)| b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit()));
    if valid {
        return Ok(TemplatePart::Label(name.to_owned()));
    }
    Err(QueryError::Unsupported(format!(
        "line_format action {{{{{inner}}}}} in {template:?} (only {{{{.label}}}} and {{{{__line__}}}} are evaluated)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels, the line and text split into parts; functions are refused.
    #[test]
    fn templates() {
        let parts = parse("{{.level}}: {{ __line__ }}!").unwrap_or_default();
        assert_eq!(
            parts,
            vec![
                TemplatePart::Label("level".into()),
                TemplatePart::Text(": ".into()),
                TemplatePart::Line,
                TemplatePart::Text("!".into())
            ]
        );
        assert!(matches!(parse("{{ ToUpper .x }}"), Err(QueryError::Unsupported(_))));
        assert!(matches!(parse("{{.x"), Err(QueryError::Bad(_))));
    }
}
