//! `cargo xtask fuzz --minutes N`: the long run of the property tests (proptest) of the query
//! parsers, the OTLP decoders and the Loki push decoder. It repeats them in release with many
//! cases and a fresh random seed each round until the time is up, and stops at the first
//! failure (proptest prints the minimal failing input). Stable toolchain: cargo-fuzz needs
//! nightly, which this project cannot fetch.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use xshell::{Shell, cmd};

/// The crates whose property tests run.
const CRATES: [&str; 4] = ["obs-contract", "obs-traces", "obs-logs", "obs-metrics"];
/// The test-name filter every property test matches.
const FILTER: &str = "prop";

/// Arguments of `cargo xtask fuzz`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How long to run, in minutes.
    #[arg(long, default_value_t = 10.0)]
    minutes: f64,
    /// Cases per property test per round.
    #[arg(long, default_value_t = 20_000)]
    cases: u32,
}

impl Args {
    /// Runs rounds until the time is up; `Err` at the first failing round.
    pub fn run(self) -> Result<()> {
        let sh = Shell::new().context("start a shell")?;
        sh.change_dir(crate::tools::workspace_root()?);
        let _cases = sh.push_env("PROPTEST_CASES", self.cases.to_string());
        let length = Duration::from_secs_f64(self.minutes * 60.0);
        let started = Instant::now();
        let mut rounds = 0u32;
        while rounds == 0 || started.elapsed() < length {
            rounds += 1;
            println!("fuzz: round {rounds}, {} cases per property, {:.0?} elapsed", self.cases, started.elapsed());
            let packages = CRATES.iter().flat_map(|c| ["-p", c]);
            if let Err(err) = cmd!(sh, "cargo test --release {packages...} -- {FILTER}").run() {
                bail!("fuzz: round {rounds} found a failing input (see proptest's minimal case above): {err}");
            }
        }
        println!("fuzz: {rounds} rounds in {:.0?}, no failure", started.elapsed());
        Ok(())
    }
}
