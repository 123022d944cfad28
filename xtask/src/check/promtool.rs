//! Runs `promtool check config` on prometheus.yml when Debian's `prometheus` package is installed:
//! Prometheus' own parser is strict and knows keys this tool does not.

use std::path::Path;

use xshell::{Cmd, Shell, cmd};

use super::Status;
use super::finding::Finding;
use crate::tools;

/// How to get promtool.
pub const HINT: &str = "install Debian's `prometheus` package (`apt-get install prometheus`) or run `cargo xtask ci`";

/// `promtool check config <file>`.
pub fn plan<'a>(sh: &'a Shell, file: &Path) -> Cmd<'a> {
    cmd!(sh, "promtool check config {file}")
}

/// Turns promtool's exit status and output into the check's status.
pub fn judge(file: &str, success: bool, output: &str) -> Status {
    if success {
        return Status::Ok("promtool check config accepts it".into());
    }
    let lines: Vec<&str> =
        output.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("Checking")).collect();
    let problem = if lines.is_empty() { "promtool check config failed".to_string() } else { lines.join(" ") };
    Status::Fail(vec![Finding::new(file, "(promtool check config)", problem, "correct prometheus.yml there")])
}

/// Runs promtool on `root/<file>`, or says it was skipped and how to install it.
pub fn run(sh: &Shell, root: &Path, file: &str) -> Status {
    if tools::which(obs_stack::tools::PROMTOOL).is_none() {
        return Status::Skipped(format!("promtool is not installed; {HINT}"));
    }
    match plan(sh, &root.join(file)).quiet().ignore_status().output() {
        Ok(out) => {
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            judge(file, out.status.success(), &text)
        }
        Err(err) => Status::Fail(vec![Finding::new(file, "(promtool)", format!("could not run: {err}"), HINT)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The planned command is promtool's config check on the given file.
    #[test]
    fn planned_command() {
        let sh = Shell::new().unwrap_or_else(|e| panic!("no shell: {e}"));
        assert_eq!(plan(&sh, Path::new("p.yml")).to_string(), "promtool check config p.yml");
    }

    /// A failure keeps promtool's explanation, without its "Checking" banner.
    #[test]
    fn failure_keeps_the_explanation() {
        let out = "Checking p.yml\n  FAILED: parsing YAML file p.yml: yaml: unmarshal errors:\n";
        let Status::Fail(found) = judge("p.yml", false, out) else { panic!("expected a failure") };
        assert_eq!(found[0].problem, "FAILED: parsing YAML file p.yml: yaml: unmarshal errors:");
    }
}
