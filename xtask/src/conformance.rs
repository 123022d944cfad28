//! `cargo xtask conformance promql`: scores obs-embedded against the real backend on an upstream
//! suite by running the `conformance` crate's binary, which prints the score and writes its report
//! under `target/conformance/`.

use anyhow::{Context, Result};
use xshell::{Cmd, Shell, cmd};

/// The suites `cargo xtask conformance` runs.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Suite {
    /// prometheus/compliance's PromQL queries against real Prometheus 2.42
    Promql,
}

impl Suite {
    fn as_str(self) -> &'static str {
        match self {
            Suite::Promql => "promql",
        }
    }
}

/// Arguments of `cargo xtask conformance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which suite to run
    suite: Suite,
    /// Rewrite the committed known-failures file from this run
    #[arg(long)]
    update_known_failures: bool,
}

/// `cargo run --quiet --package conformance -- <suite> --report-dir <dir> [--update-known-failures]`.
fn conformance_command<'a>(sh: &'a Shell, args: &Args, report_dir: &str) -> Cmd<'a> {
    let suite = args.suite.as_str();
    let update = args.update_known_failures.then_some("--update-known-failures");
    cmd!(sh, "cargo run --quiet --package conformance -- {suite} --report-dir {report_dir} {update...}")
}

impl Args {
    /// Runs the suite; `Err` when the harness cannot run (a missing tool, a backend that does not start).
    pub fn run(self) -> Result<()> {
        let sh = Shell::new().context("start a shell")?;
        let root = crate::tools::workspace_root()?;
        sh.change_dir(&root);
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), std::path::PathBuf::from);
        let report_dir = target.join("conformance").display().to_string();
        conformance_command(&sh, &self, &report_dir)
            .run()
            .with_context(|| format!("run the {} conformance suite", self.suite.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The planned command runs the conformance binary with the suite, report dir and update flag.
    #[test]
    fn planned_command() {
        let sh = Shell::new().unwrap();
        let args = Args { suite: Suite::Promql, update_known_failures: true };
        assert_eq!(
            conformance_command(&sh, &args, "/t/conformance").to_string(),
            "cargo run --quiet --package conformance -- promql --report-dir /t/conformance --update-known-failures"
        );
        let args = Args { suite: Suite::Promql, update_known_failures: false };
        assert_eq!(
            conformance_command(&sh, &args, "/t/c").to_string(),
            "cargo run --quiet --package conformance -- promql --report-dir /t/c"
        );
    }
}
