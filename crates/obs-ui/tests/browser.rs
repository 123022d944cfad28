//! The UI in real headless Chromium against real `obs-embedded` servers fed real telemetry:
//! `ui-tests/browser.test.mjs` (node's test runner + playwright-core) does the clicking, this test
//! starts the servers, sends the smoke telemetry and asserts the browser run passed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use obs_stack::ports::{GRAFANA, OTLP_GRPC, OTLP_HTTP};
use obs_stack::tools::{CHROMIUM, NODE_DIR};
use test_support::embedded::EmbeddedServer;
use test_support::{target_dir, tools, workspace_root};

/// Fails (never skips) when the browser-test tools are missing, naming how to install them.
fn require_tools() -> Result<PathBuf> {
    let node_modules = workspace_root().join(NODE_DIR).join("node_modules/playwright-core");
    ensure!(
        node_modules.join("package.json").exists(),
        "playwright-core is not installed at {}; run `cargo xtask ci` or `npm ci --prefix ui-tests`",
        node_modules.display()
    );
    ensure!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing; install Debian's `chromium` package or run `cargo xtask ci`"
    );
    tools::system("node", "nodejs")
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn checked(output: Output, what: &str) -> Result<String> {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!("{what} failed ({}):\n{stdout}\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    }
    Ok(stdout)
}

/// Builds and runs smoke-sender against `server` over OTLP gRPC; answers the trace id it printed.
fn send_smoke(server: &EmbeddedServer) -> Result<String> {
    let build = Command::new(cargo())
        .args(["build", "--quiet", "-p", "smoke-sender"])
        .current_dir(workspace_root())
        .output()
        .context("run cargo build -p smoke-sender")?;
    checked(build, "cargo build -p smoke-sender")?;
    let binary = target_dir().join("debug/smoke-sender");
    let run = Command::new(&binary)
        .arg("--json")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", server.url(OTLP_GRPC))
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .output()
        .with_context(|| format!("run {}", binary.display()))?;
    let stdout = checked(run, "smoke-sender --json")?;
    let line: serde_json::Value = serde_json::from_str(stdout.trim()).context("parse smoke-sender's --json line")?;
    let id = line["trace_id"].as_str().context("smoke-sender printed no trace_id")?;
    ensure!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "bad trace id {id:?}");
    Ok(id.to_ascii_lowercase())
}

/// Builds and runs the `obs` example `backtest` (in-memory lake) against `server`; answers its trace id.
fn run_backtest(server: &EmbeddedServer) -> Result<String> {
    let build = Command::new(cargo())
        .args(["build", "--quiet", "-p", "obs", "--example", "backtest"])
        .current_dir(workspace_root())
        .output()
        .context("run cargo build -p obs --example backtest")?;
    checked(build, "cargo build -p obs --example backtest")?;
    let binary = target_dir().join("debug/examples/backtest");
    let run = Command::new(&binary)
        .args(["--json", "--lake", "memory://"])
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", server.url(OTLP_GRPC))
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .current_dir(workspace_root())
        .output()
        .with_context(|| format!("run {}", binary.display()))?;
    let stdout = checked(run, "backtest --json")?;
    let line: serde_json::Value = serde_json::from_str(stdout.trim()).context("parse backtest's --json line")?;
    let id = line["trace_id"].as_str().context("backtest printed no trace_id")?;
    Ok(format!("{:0>32}", id.to_ascii_lowercase()))
}

/// Sends one trace of 1,000 spans (a 4-ary tree, some errors) over OTLP/HTTP JSON; answers its id.
fn send_big_trace(server: &EmbeddedServer) -> Result<String> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).context("read the clock")?;
    let base = now.as_nanos() - 10_000_000_000;
    let trace_id = format!("{:032x}", now.as_nanos() ^ 0x5eed_0000_0000_0000_0000_0000_0000_0001);
    let spans: Vec<serde_json::Value> = (0..1000u128)
        .map(|i| {
            let depth = (1..).take_while(|d| (4u128.pow(*d) - 1) / 3 <= i).count() as u128;
            // Each level starts 10 ms after its parent's and lasts half as long, so children nest.
            let start = base + depth * 10_000_000 + (i % 7) * 1_000_000;
            let end = start + (2_000_000_000 >> depth);
            let status = if i % 97 == 13 {
                serde_json::json!({"code": 2, "message": "synthetic error"})
            } else {
                serde_json::json!({})
            };
            serde_json::json!({
                "traceId": trace_id, "spanId": format!("{:016x}", i + 1),
                "parentSpanId": if i == 0 { String::new() } else { format!("{:016x}", (i - 1) / 4 + 1) },
                "name": format!("step-{}", i % 23), "kind": 1, "status": status,
                "startTimeUnixNano": start.to_string(), "endTimeUnixNano": end.to_string(),
                "attributes": [{"key": "index", "value": {"intValue": i.to_string()}}],
            })
        })
        .collect();
    let body = serde_json::json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "ui_big_trace"}}]},
        "scopeSpans": [{"scope": {"name": "obs-ui-tests"}, "spans": spans}],
    }]});
    let agent = ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(10))).build().new_agent();
    let url = format!("{}/v1/traces", server.url(OTLP_HTTP));
    agent
        .post(&url)
        .header("content-type", "application/json")
        .send(body.to_string())
        .with_context(|| format!("send the 1,000-span trace to {url}"))?;
    Ok(trace_id)
}

/// Polls a same-origin API URL of the UI until `found` accepts its body (readiness, not a sleep).
fn wait_for(url: &str, found: impl Fn(&str) -> bool) -> Result<()> {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .http_status_as_error(false)
        .build()
        .new_agent();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::new();
    while Instant::now() < deadline {
        match agent.get(url).call() {
            Ok(mut response) => {
                last = response.body_mut().read_to_string().unwrap_or_default();
                if response.status() == 200 && found(&last) {
                    return Ok(());
                }
            }
            Err(err) => last = err.to_string(),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("{url} never showed the smoke telemetry; last answer: {last}")
}

fn wait_for_smoke(ui: &str, trace_id: &str) -> Result<()> {
    let short = trace_id.trim_start_matches('0');
    let proxy = format!("{ui}/api/datasources/proxy/uid");
    wait_for(&format!("{proxy}/tempo/api/search?tags=service.name%3D{}", obs_stack::SMOKE_SERVICE_NAME), |b| {
        b.contains(short)
    })?;
    let logql = format!("%7Bservice_name%3D%22{}%22%7D", obs_stack::SMOKE_SERVICE_NAME);
    wait_for(&format!("{proxy}/loki/loki/api/v1/query_range?query={logql}"), |b| b.contains(trace_id))?;
    wait_for(&format!("{proxy}/prometheus/api/v1/query?query=peak_trade_smoke_total"), |b| b.contains(short))
}

/// In Chromium: the smoke trace is found by service, its waterfall shows its span, its logs link shows
/// the log line, a PromQL query charts the smoke counter, the `obs` example's backtest trace nests its
/// spans, a 1,000-span trace renders whole, and empty states and API errors are shown.
#[test]
fn browser_walks_the_runbook() -> Result<()> {
    let node = require_tools()?;
    let server = EmbeddedServer::start(&[])?;
    let empty = EmbeddedServer::start(&[])?;
    let trace_id = send_smoke(&server)?;
    let big_trace_id = send_big_trace(&server)?;
    let backtest_trace_id = run_backtest(&server)?;
    let ui = server.url(GRAFANA);
    wait_for_smoke(&ui, &trace_id)?;
    for id in [&big_trace_id, &backtest_trace_id] {
        wait_for(&format!("{ui}/api/datasources/proxy/uid/tempo/api/traces/{id}"), |b| b.contains("spanId"))?;
    }
    let screenshots = target_dir().join("ui-screenshots");
    let output = Command::new(node)
        .args(["--test", "--test-reporter=spec", "--test-timeout=180000", "browser.test.mjs"])
        .current_dir(workspace_root().join(NODE_DIR))
        .env("OBS_UI_URL", &ui)
        .env("OBS_UI_EMPTY_URL", empty.url(GRAFANA))
        .env("OBS_UI_TRACE_ID", &trace_id)
        .env("OBS_UI_BIG_TRACE_ID", &big_trace_id)
        .env("OBS_UI_BACKTEST_TRACE_ID", &backtest_trace_id)
        .env("OBS_UI_SERVICE", obs_stack::SMOKE_SERVICE_NAME)
        .env("OBS_UI_SCREENSHOTS", &screenshots)
        .env("OBS_UI_CHROMIUM", CHROMIUM)
        .output()
        .context("run node --test browser.test.mjs")?;
    let report = checked(output, "node --test ui-tests/browser.test.mjs")?;
    println!("{report}");
    ensure!(screenshots.join("trace.png").exists(), "no trace view screenshot in {}", screenshots.display());
    Ok(())
}
