//! The README's port table is generated from obs-stack: this check compares it and `--fix`
//! rewrites it, so the documented ports and variables never drift from the code.

use obs_stack::{DEFAULT_BIND, PORTS};

use super::finding::Finding;

/// Line that opens the generated table.
pub const BEGIN: &str = "<!-- ports:begin -->";
/// Line that closes the generated table.
pub const END: &str = "<!-- ports:end -->";

/// The port table as Markdown, one row per obs-stack port.
pub fn render_table() -> String {
    let mut out = String::from(
        "| Service | Address (default) | Protocol | Variable to move it | Compose service | Container port |\n\
         |---|---|---|---|---|---|\n",
    );
    for p in PORTS {
        let row = format!(
            "| {} | `{DEFAULT_BIND}:{}` | {} | `{}` | {} | {} |\n",
            p.label, p.default, p.scheme, p.env, p.compose_service, p.container_port
        );
        out.push_str(&row);
    }
    out.push_str(&format!("\nEvery port binds `{DEFAULT_BIND}` unless `OBS_BIND` says otherwise.\n"));
    out
}

/// Byte range of the text between the markers, or a finding saying to add them.
fn body_range(file: &str, text: &str) -> Result<(usize, usize), Finding> {
    let missing = || {
        Finding::new(
            file,
            "port table",
            format!("the markers {BEGIN} and {END} are missing"),
            format!(
                "add a line {BEGIN} and a line {END} where the port table belongs, then run `cargo xtask obs-check --fix`"
            ),
        )
    };
    let start = text.find(BEGIN).ok_or_else(missing)? + BEGIN.len();
    let end = text[start..].find(END).ok_or_else(missing)? + start;
    Ok((start, end))
}

/// Findings when the README (`None` if absent) does not hold the generated table.
pub fn check(file: &str, text: Option<&str>) -> Vec<Finding> {
    let Some(text) = text else {
        return vec![Finding::new(
            file,
            "(file)",
            "README is missing",
            format!("create it with {BEGIN} and {END} markers"),
        )];
    };
    match body_range(file, text) {
        Err(finding) => vec![finding],
        Ok((start, end)) if text[start..end].trim() == render_table().trim() => vec![],
        Ok(_) => vec![Finding::new(
            file,
            "port table",
            "the table between the ports markers differs from crates/obs-stack/src/ports.rs",
            "run `cargo xtask obs-check --fix` to rewrite it",
        )],
    }
}

/// The README text with the table between the markers regenerated.
pub fn fix(file: &str, text: &str) -> Result<String, Finding> {
    let (start, end) = body_range(file, text)?;
    Ok(format!("{}\n{}{}", &text[..start], render_table(), &text[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One table row per port, naming its variable.
    #[test]
    fn table_lists_every_port() {
        let table = render_table();
        assert!(table.contains("| Grafana | `127.0.0.1:3000` | http | `OBS_GRAFANA_PORT` | grafana | 3000 |"));
        assert_eq!(table.lines().filter(|l| l.starts_with("| ") && l.contains("OBS_")).count(), PORTS.len());
    }

    /// A stale table is reported, fixed in place, and then passes; text around it is kept.
    #[test]
    fn stale_table_is_fixed() {
        let stale = format!("# Title\n{BEGIN}\n| old |\n{END}\nafter\n");
        assert_eq!(check("README.md", Some(&stale))[0].fix, "run `cargo xtask obs-check --fix` to rewrite it");
        let fixed = fix("README.md", &stale).unwrap_or_else(|f| panic!("{f}"));
        assert!(fixed.starts_with(&format!("# Title\n{BEGIN}\n| Service |")), "{fixed}");
        assert!(fixed.ends_with(&format!("{END}\nafter\n")), "{fixed}");
        assert_eq!(check("README.md", Some(&fixed)), vec![]);
    }

    /// A README without markers, or no README, says what to add.
    #[test]
    fn markers_missing() {
        let found = check("README.md", Some("# no table"));
        assert!(found[0].problem.contains("markers"), "{found:?}");
        assert!(found[0].fix.contains("add a line <!-- ports:begin -->"), "{found:?}");
        assert!(fix("README.md", "nothing").is_err());
        assert_eq!(check("README.md", None)[0].problem, "README is missing");
    }
}
