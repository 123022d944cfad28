//! `cargo xtask obs-check`: validates everything under `ops/` offline, fast enough for a
//! pre-commit hook. Each check lives in its own module as a pure function from parsed files to
//! findings; this module loads the files, runs the checks in order and prints one line each.

mod compose_cli;
mod compose_ports;
mod datasource_uids;
mod files;
mod finding;
mod layout;
mod mounts;
mod pipelines;
mod promtool;
mod readme;
mod scrape_port;
mod tempo_links;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use xshell::Shell;

use files::Ops;
use finding::Finding;

/// Validate everything under ops/ offline: compose, collector, Prometheus, Grafana, ports.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rewrite the README port table (between `<!-- ports:begin -->` and `<!-- ports:end -->`) from obs-stack
    #[arg(long)]
    fix: bool,
    /// Check this checkout instead of the one xtask was built from (used by the tests)
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// Result of one check.
#[derive(Debug)]
pub enum Status {
    /// Passed, with a short note of what was proven.
    Ok(String),
    /// Failed with these findings.
    Fail(Vec<Finding>),
    /// Not run, with the reason and how to enable it.
    Skipped(String),
}

impl Status {
    /// `Ok(note)` when there are no findings.
    fn from_findings(findings: Vec<Finding>, note: &str) -> Self {
        if findings.is_empty() { Status::Ok(note.to_string()) } else { Status::Fail(findings) }
    }
}

impl Args {
    /// Runs every check and fails when any of them found a problem.
    pub fn run(self) -> Result<()> {
        let root = match self.root {
            Some(root) => root,
            None => crate::tools::workspace_root()?,
        };
        if self.fix {
            fix_readme(&root)?;
        }
        let outcomes = run_checks(&root)?;
        let failed = outcomes.iter().filter(|(_, s)| matches!(s, Status::Fail(_))).count();
        for (name, status) in &outcomes {
            print_outcome(name, status);
        }
        if failed > 0 {
            bail!(
                "obs-check: {failed} of {} checks failed (each FAIL line above names the file, key and fix)",
                outcomes.len()
            );
        }
        Ok(())
    }
}

/// Every check, in order, with its status.
fn run_checks(root: &Path) -> Result<Vec<(&'static str, Status)>> {
    if !root.join("ops").is_dir() {
        bail!("{} has no ops/ folder; pass --root <checkout> or run from the workspace", root.display());
    }
    let (ops, parse_findings) = files::parse_all(files::read_ops(root)?);
    let note = format!("{} YAML/JSON files under ops/ parse", ops.parsed.len());
    let sh = Shell::new().context("create a shell for the external checks")?;
    let readme = std::fs::read_to_string(root.join(layout::README)).ok();
    Ok(vec![
        ("parse", Status::from_findings(parse_findings, &note)),
        ("compose (docker compose config)", compose_cli::run(&sh, root, &layout::compose())),
        ("collector pipelines", with_file(&ops, &layout::collector(), pipelines::check, "every reference is defined")),
        ("datasource uids", Status::from_findings(datasource_uids::check(&ops), "every referenced uid exists")),
        (
            "tempo links",
            Status::from_findings(tempo_links::check(&ops), "exemplar label is traceID; search cutoff fits obs-smoke"),
        ),
        ("scrape port", scrape(&ops)),
        ("compose ports", with_file(&ops, &layout::compose(), compose_ports::check, "match obs-stack")),
        ("compose mounts", mounted(&ops, root)),
        (
            "README port table",
            Status::from_findings(readme::check(layout::README, readme.as_deref()), "matches obs-stack"),
        ),
        ("promtool check config", promtool::run(&sh, root, &layout::prometheus())),
    ])
}

/// Runs `check` on one parsed file.
fn with_file(ops: &Ops, file: &str, check: fn(&str, &serde_json::Value) -> Vec<Finding>, note: &str) -> Status {
    match ops.require(file) {
        Ok(value) => Status::from_findings(check(file, value), note),
        Err(finding) => Status::Fail(vec![finding]),
    }
}

/// Bind-mount sources exist next to the compose file.
fn mounted(ops: &Ops, root: &Path) -> Status {
    let file = layout::compose();
    let dir = root.join(&file);
    let dir = dir.parent().unwrap_or(root);
    match ops.require(&file) {
        Ok(compose) => {
            Status::from_findings(mounts::check(&file, compose, &|p| dir.join(p).exists()), "every bind mount exists")
        }
        Err(finding) => Status::Fail(vec![finding]),
    }
}

/// The scrape-port check needs both the collector config and prometheus.yml.
fn scrape(ops: &Ops) -> Status {
    let (collector, prometheus) = (layout::collector(), layout::prometheus());
    match (ops.require(&collector), ops.require(&prometheus)) {
        (Ok(c), Ok(p)) => Status::from_findings(
            scrape_port::check(&collector, c, &prometheus, p),
            "Prometheus scrapes the exporter's port",
        ),
        (c, p) => Status::Fail(c.err().into_iter().chain(p.err()).collect()),
    }
}

/// Rewrites the README port table from obs-stack.
fn fix_readme(root: &Path) -> Result<()> {
    let path = root.join(layout::README);
    let text = std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
    let fixed = readme::fix(layout::README, &text).map_err(|f| anyhow::anyhow!("{f}"))?;
    if fixed != text {
        std::fs::write(&path, fixed).with_context(|| format!("write {}", path.display()))?;
        println!("fixed {}: port table rewritten from crates/obs-stack/src/ports.rs", layout::README);
    }
    Ok(())
}

/// One line per check; a failure lists its findings indented below it.
fn print_outcome(name: &str, status: &Status) {
    match status {
        Status::Ok(note) => println!("ok    {name}: {note}"),
        Status::Skipped(why) => println!("skip  {name}: {why}"),
        Status::Fail(findings) => {
            println!("FAIL  {name}");
            for f in findings {
                println!("      {f}");
            }
        }
    }
}
