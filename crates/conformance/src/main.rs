//! `conformance`: runs a conformance suite against obs-embedded and the real backend, prints the
//! score, writes a report, and (on request) rewrites the committed known-failures file.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use conformance::report;

/// Score obs-embedded against the real backend on an upstream conformance suite.
#[derive(Debug, Parser)]
#[command(name = "conformance")]
struct Cli {
    /// Which suite to run
    suite: Suite,
    /// Directory for the report (`promql.txt`, `promql-failures.txt`)
    #[arg(long, default_value = "target/conformance")]
    report_dir: PathBuf,
    /// Rewrite the committed known-failures file from this run
    #[arg(long)]
    update_known_failures: bool,
}

/// The suites.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Suite {
    /// prometheus/compliance's PromQL queries against real Prometheus
    Promql,
}

fn run(cli: Cli) -> Result<()> {
    match cli.suite {
        Suite::Promql => {
            let outcomes = conformance::run::promql().context("run the PromQL conformance suite")?;
            std::fs::create_dir_all(&cli.report_dir).with_context(|| format!("create {}", cli.report_dir.display()))?;
            let full = cli.report_dir.join("promql.txt");
            std::fs::write(&full, report::full(&outcomes)).with_context(|| format!("write {}", full.display()))?;
            let failures = cli.report_dir.join("promql-failures.txt");
            let failures_text = report::known_failures_file(&outcomes);
            std::fs::write(&failures, &failures_text).with_context(|| format!("write {}", failures.display()))?;
            if cli.update_known_failures {
                let known = test_support::workspace_root().join(report::KNOWN_FAILURES);
                std::fs::write(&known, &failures_text).with_context(|| format!("write {}", known.display()))?;
                println!("wrote {}", known.display());
            }
            println!("{} against real Prometheus (report: {})", report::score(&outcomes), full.display());
        }
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
