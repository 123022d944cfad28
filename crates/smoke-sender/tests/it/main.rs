//! smoke-sender as a user runs it: the built binary with a cleared environment, against the real
//! embedded backend, the rotel collector, a closed port and a server answering 503.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backend;
mod embedded;
mod failures;
mod rotel;

use std::time::Duration;

pub use test_support::process::Run;

/// Runs smoke-sender with only `env` set, killing it (and failing) if it outlives `limit`.
pub fn smoke(args: &[&str], env: &[(&str, &str)], limit: Duration) -> Run {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_smoke-sender"));
    test_support::process::run_limited(binary, args, env, limit).unwrap()
}

/// Parses the `--json` line into (trace id, span id), checking it is exactly one line of two hex ids.
pub fn ids(run: &Run) -> (String, String) {
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let lines: Vec<_> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{:?}", run.stdout);
    let value: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    let object = value.as_object().unwrap();
    assert_eq!(object.len(), 2, "{value}");
    let trace = object["trace_id"].as_str().unwrap().to_string();
    let span = object["span_id"].as_str().unwrap().to_string();
    assert!(trace.len() == 32 && trace.chars().all(|c| c.is_ascii_hexdigit()), "{trace}");
    assert!(span.len() == 16 && span.chars().all(|c| c.is_ascii_hexdigit()), "{span}");
    (trace, span)
}
