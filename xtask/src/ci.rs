//! `cargo xtask ci`: the CI and pre-commit entry. Installs what the tests need, then runs fmt,
//! clippy, every test and obs-check, each as a planned command under a phase header; a failure
//! names the phase and how to fix it.

use std::path::Path;

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

use crate::tools::{self, Step};

/// The CI and pre-commit entry: install test tools, fmt, clippy, tests, obs-check
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Do not install anything; only run the checks
    #[arg(long)]
    no_install: bool,
    /// Print the planned commands instead of running them
    #[arg(long)]
    dry_run: bool,
}

/// One phase: a header, its commands, and what to do when it fails.
pub struct Phase<'a> {
    /// Short name shown in the header and in the failure.
    pub name: &'static str,
    /// Commands, in order.
    pub steps: Vec<Step<'a>>,
    /// How to fix a failure of this phase.
    pub fix: &'static str,
}

/// The check phases after installation; `xtask` is the path of this very program.
pub fn check_phases<'a>(sh: &'a Shell, xtask: &Path) -> Vec<Phase<'a>> {
    vec![
        Phase {
            name: "fmt",
            steps: vec![Step::Run(cmd!(sh, "cargo fmt --all --check"))],
            fix: "run `cargo fmt --all` and commit the result",
        },
        Phase {
            name: "clippy",
            steps: vec![Step::Run(cmd!(sh, "cargo clippy --workspace --all-targets -- -D warnings"))],
            fix: "fix each warning above (clippy names file and line)",
        },
        Phase {
            name: "test",
            steps: vec![Step::Run(cmd!(sh, "cargo test --workspace"))],
            fix: "fix the failing tests above; rerun one with `cargo test -p <package> <name>`",
        },
        Phase {
            name: "obs-check",
            steps: vec![Step::Run(cmd!(sh, "{xtask} obs-check"))],
            fix: "each FAIL line above names the file, key and fix; `cargo xtask obs-check --fix` rewrites the README port table",
        },
    ]
}

impl Args {
    /// Plans every phase, then prints (`--dry-run`) or runs them in order.
    pub fn run(self) -> Result<()> {
        let root = tools::workspace_root()?;
        let sh = Shell::new().context("create a shell")?;
        sh.change_dir(&root);
        let xtask = std::env::current_exe().context("find the path of the running xtask")?;
        let mut phases = Vec::new();
        if !self.no_install {
            let steps = tools::plan(&sh, &root).context("plan the test tools' installation")?;
            phases.push(Phase {
                name: "install test tools",
                steps,
                fix: "see the error above; `--no-install` skips this",
            });
        }
        phases.extend(check_phases(&sh, &xtask));
        let total = phases.len();
        for (i, phase) in phases.into_iter().enumerate() {
            run_phase(i + 1, total, phase, self.dry_run)?;
        }
        if !self.dry_run {
            println!("\nci: all {total} phases passed");
        }
        Ok(())
    }
}

fn run_phase(index: usize, total: usize, phase: Phase<'_>, dry_run: bool) -> Result<()> {
    println!("\n==> [{index}/{total}] {}", phase.name);
    if phase.steps.is_empty() {
        println!("    nothing to do: already installed");
    }
    for step in phase.steps {
        println!("    $ {step}");
        if dry_run {
            continue;
        }
        if let Err(err) = step.apply() {
            bail!("ci failed in phase `{}`: {err:#}\nfix: {}", phase.name, phase.fix);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check phases run exactly these commands, in this order.
    #[test]
    fn planned_check_commands() {
        let sh = Shell::new().unwrap_or_else(|e| panic!("no shell: {e}"));
        let phases = check_phases(&sh, Path::new("/t/xtask"));
        let shown: Vec<_> =
            phases.iter().flat_map(|p| p.steps.iter().map(move |s| format!("{}: {s}", p.name))).collect();
        assert_eq!(
            shown,
            vec![
                "fmt: cargo fmt --all --check",
                "clippy: cargo clippy --workspace --all-targets -- -D warnings",
                "test: cargo test --workspace",
                "obs-check: /t/xtask obs-check",
            ]
        );
    }
}
