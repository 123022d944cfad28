//! The `backtest` example as a developer runs it: built once, run with only the standard
//! variables set, against the real embedded backend and against broken collectors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backtest;
mod global;
mod in_process;
mod refusing;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

pub use test_support::process::Run;

/// Builds the example once per test process (a no-op when fresh).
fn example_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--package", "obs", "--example", "backtest"])
            .current_dir(test_support::workspace_root())
            .status()
            .unwrap();
        assert!(status.success(), "cargo build --package obs --example backtest failed: {status}");
        test_support::target_dir().join("debug/examples/backtest")
    })
}

/// Runs the example with only `env` set, killing it (and failing) if it outlives `limit`.
pub fn backtest(args: &[&str], env: &[(&str, &str)], limit: Duration) -> Run {
    test_support::process::run_limited(example_binary(), args, env, limit).unwrap()
}

/// The `--json` line: (trace id, bars, trades).
pub fn summary(run: &Run) -> (String, u64, u64) {
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    (json["trace_id"].as_str().unwrap().to_string(), json["bars"].as_u64().unwrap(), json["trades"].as_u64().unwrap())
}

/// A collector that accepts connections and never answers; its base URL.
pub fn blackhole() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().map_while(Result::ok).collect();
        drop(held);
    });
    endpoint
}
