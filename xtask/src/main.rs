//! `cargo xtask`: the developer tool for the Peak_Trade observability stack. This file is the
//! table of contents: one module per command, parsed here and dispatched below.

mod bench;
mod check;
mod ci;
mod conformance;
mod down;
mod fuzz;
mod logs;
mod smoke;
mod soak;
mod status;
mod tools;
mod up;

mod backend;
mod ports;
mod probe;
mod ready;
mod report;
#[cfg(test)]
mod testserver;
mod verify;

use clap::{Parser, Subcommand};

/// Local observability for Peak_Trade: traces, logs and metrics with one command.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    version,
    about = "Local observability for Peak_Trade: traces, logs and metrics with one command"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the stack (Docker, or the embedded backend) and wait until every service is ready
    ObsUp(up::Args),
    /// Stop the stack and remove its containers or process; `--volumes` also wipes data
    ObsDown(down::Args),
    /// Send one span, log and metric, then prove each arrived through the query APIs
    ObsSmoke(smoke::Args),
    /// Show each service's state and readiness (`--json` for CI)
    ObsStatus(status::Args),
    /// Follow the logs of the stack or of one service
    ObsLogs(logs::Args),
    /// Validate everything under ops/ offline: compose, collector, Prometheus, Grafana, ports
    ObsCheck(check::Args),
    /// The CI and pre-commit entry: install test tools, fmt, clippy, tests, obs-check
    Ci(ci::Args),
    /// Measure the embedded backend and the library against their peers
    Bench(bench::Args),
    /// Run the property tests of the parsers and decoders for N minutes with fresh seeds
    Fuzz(fuzz::Args),
    /// Score obs-embedded against the real backend on an upstream suite (`promql`: prometheus/compliance)
    Conformance(conformance::Args),
    /// Load a release obs-embedded at its caps for N minutes; fail on RSS, a crash or a missed health probe
    Soak(soak::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::ObsUp(args) => args.run(),
        Command::ObsDown(args) => args.run(),
        Command::ObsSmoke(args) => args.run(),
        Command::ObsStatus(args) => args.run(),
        Command::ObsLogs(args) => args.run(),
        Command::ObsCheck(args) => args.run(),
        Command::Ci(args) => args.run(),
        Command::Bench(args) => args.run(),
        Command::Fuzz(args) => args.run(),
        Command::Soak(args) => args.run(),
        Command::Conformance(args) => args.run(),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
