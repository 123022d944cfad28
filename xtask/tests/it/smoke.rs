//! `obs-smoke` through the built binary against a real embedded backend on free ports, with the
//! real smoke-sender: every signal passes over gRPC and HTTP; with nothing listening it fails
//! naming the endpoint.

use anyhow::Result;
use serde_json::Value;
use test_support::embedded::EmbeddedServer;

use crate::runtime_env::{Env, build};

fn smoke_env(server: Option<&EmbeddedServer>) -> Result<Env> {
    let mut env = Env::new("/usr/bin:/bin")?;
    if let Some(server) = server {
        env.adopt(&server.env);
    }
    env.set("SMOKE_SENDER_BIN", build("smoke-sender", "smoke-sender")?.display().to_string());
    Ok(env)
}

/// Against the embedded backend, trace, log and metric all pass, over both transports, with the UI link.
#[test]
fn all_signals_pass_against_embedded() -> Result<()> {
    let server = EmbeddedServer::start(&[])?;
    let env = smoke_env(Some(&server))?;
    for protocol in ["grpc", "http"] {
        let out = env.run(&["obs-smoke", "--json", "--protocol", protocol, "--timeout", "10"])?;
        assert_eq!(out.code, 0, "{protocol}: {out:?}");
        let report: Value = serde_json::from_str(out.stdout.trim())?;
        assert_eq!(report["ok"], true, "{report}");
        assert_eq!(report["backend"], "embedded");
        assert_eq!(report["protocol"], protocol);
        let id = report["trace_id"].as_str().unwrap_or_default();
        assert_eq!(id.len(), 32, "{report}");
        let signals: Vec<(&str, bool)> = report["signals"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| (s["signal"].as_str().unwrap_or_default(), s["ok"] == true))
            .collect();
        assert_eq!(signals, [("trace", true), ("log", true), ("metric", true)]);
        let ui = server.url(obs_stack::ports::GRAFANA);
        assert_eq!(report["trace_url"], format!("{ui}/trace/{id}"));
    }
    Ok(())
}

/// With nothing listening, obs-smoke fails because smoke-sender cannot send, naming the endpoint,
/// the refused connection, and what to do (no stack runs: start one, or point the variables at it).
#[test]
fn nothing_listening_names_the_endpoint() -> Result<()> {
    let env = smoke_env(None)?;
    let out = env.run(&["obs-smoke", "--protocol", "http", "--timeout", "2"])?;
    assert_eq!(out.code, 1, "{out:?}");
    let stderr = env.filter(&out.stderr);
    assert!(
        stderr.starts_with("error: smoke-sender could not send to http://127.0.0.1:[OBS_OTLP_HTTP_PORT]: "),
        "{stderr}"
    );
    assert!(stderr.contains("connection refused"), "{stderr}");
    assert!(
        stderr.ends_with(
            "\nnothing answers on http://127.0.0.1:[OBS_OTLP_HTTP_PORT]: no stack started by obs-up is running \
             (no live obs-embedded in [TMP]/obs); start one with `cargo xtask obs-up`, or set the OBS_*_PORT \
             variables to the ports your stack listens on\n"
        ),
        "{stderr}"
    );
    assert_eq!(out.stdout, "");
    Ok(())
}

/// A signal that cannot be found fails on its own line and is named in the error; the others pass.
#[test]
fn unreachable_tempo_fails_the_trace_only() -> Result<()> {
    let server = EmbeddedServer::start(&[])?;
    let mut env = smoke_env(Some(&server))?;
    let closed = test_support::free_port()?;
    env.set("OBS_TEMPO_PORT", closed.to_string());
    let out = env.run(&["obs-smoke", "--timeout", "1"])?;
    assert_eq!(out.code, 1, "{out:?}");
    let id = out.stdout.split_whitespace().nth(2).unwrap_or_default().to_string();
    let lines: Vec<String> =
        out.stdout.lines().skip(1).take(3).map(|l| crate::runtime_env::durations(l).replace(&id, "[ID]")).collect();
    assert_eq!(
        lines,
        [
            "trace  FAIL  [DUR]  Tempo search: connection refused".to_string(),
            "log    PASS  [DUR]  1 line(s) for trace_id [ID]".to_string(),
            "metric PASS  [DUR]  peak_trade_smoke_total{smoke_run_id=\"[ID]\"} = 1".to_string(),
        ]
    );
    assert_eq!(out.stderr, format!("error: smoke check failed for: trace (trace id {id})\n"));
    Ok(())
}
