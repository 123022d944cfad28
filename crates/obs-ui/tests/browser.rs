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

/// The shape of a synthetic trace sent over OTLP/HTTP JSON.
struct Synthetic<'a> {
    spans: u128,
    /// Children per span: span `i`'s parent is `(i - 1) / fanout`, so the tree is complete and shallow.
    fanout: u128,
    /// Span `i` belongs to `services[i % len]`.
    services: &'a [&'a str],
    /// Span `i`'s name.
    name: fn(u128) -> String,
    /// Whether span `i` fails.
    fails: fn(u128) -> bool,
    /// Span ids whose parent is said to be this one, which is never sent (a partly evicted trace).
    missing_parent: Option<u128>,
    /// Span (trace id, span id) that the last span links to.
    link: Option<(String, String)>,
}

fn agent(seconds: u64) -> ureq::Agent {
    ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(seconds))).build().new_agent()
}

fn fresh_trace_id(salt: u128) -> Result<String> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).context("read the clock")?;
    Ok(format!("{:032x}", now.as_nanos() ^ (salt << 64) ^ 0x5eed))
}

/// Span `i` of a synthetic trace as OTLP JSON; children nest inside their parent's time.
fn synthetic_span(
    shape: &Synthetic,
    trace_id: &str,
    base: u128,
    times: &mut [(u128, u128)],
    i: u128,
) -> serde_json::Value {
    let (start, duration) = if i == 0 {
        (base, 8_000_000_000)
    } else {
        let parent = ((i - 1) / shape.fanout) as usize;
        let k = (i - 1) % shape.fanout;
        let (p_start, p_duration) = times[parent];
        let slot = p_duration / (shape.fanout + 2);
        // The first child overlaps the second, so it is off the critical path; the others follow each other.
        (p_start + (k + 1) * slot, (if k == 0 { 2 * slot } else { slot }).max(1))
    };
    times[i as usize] = (start, duration);
    let status = if (shape.fails)(i) {
        serde_json::json!({"code": 2, "message": "synthetic error"})
    } else {
        serde_json::json!({})
    };
    let parent = match (i, shape.missing_parent) {
        (0, _) => String::new(),
        (_, Some(orphan)) if i == orphan => "00000000deadbeef".to_string(),
        _ => format!("{:016x}", (i - 1) / shape.fanout + 1),
    };
    let mut span = serde_json::json!({
        "traceId": trace_id, "spanId": format!("{:016x}", i + 1), "parentSpanId": parent,
        "name": (shape.name)(i), "kind": if i % 5 == 1 { 3 } else { 1 }, "status": status,
        "startTimeUnixNano": start.to_string(), "endTimeUnixNano": (start + duration).to_string(),
        "attributes": [{"key": "index", "value": {"intValue": i.to_string()}}],
    });
    if i % 50 == 3 {
        span["events"] = serde_json::json!([{"timeUnixNano": (start + duration / 2).to_string(), "name": "checkpoint",
            "attributes": [{"key": "exception.stacktrace", "value": {"stringValue": "Traceback (most recent call last):\n  File \"sweep.py\", line 7\nValueError: synthetic"}}]}]);
    }
    if let (true, Some((linked_trace, linked_span))) = (i + 1 == shape.spans, &shape.link) {
        span["links"] = serde_json::json!([{"traceId": linked_trace, "spanId": linked_span}]);
    }
    span
}

/// Sends a synthetic trace over OTLP/HTTP JSON in batches of 5,000 spans; answers its id.
fn send_trace(server: &EmbeddedServer, shape: &Synthetic, salt: u128) -> Result<String> {
    let trace_id = fresh_trace_id(salt)?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).context("read the clock")?;
    let base = now.as_nanos() - 10_000_000_000;
    let mut times = vec![(0u128, 0u128); shape.spans as usize];
    let url = format!("{}/v1/traces", server.url(OTLP_HTTP));
    let agent = agent(60);
    let mut first = 0;
    while first < shape.spans {
        let last = (first + 5000).min(shape.spans);
        let mut by_service: Vec<Vec<serde_json::Value>> = vec![Vec::new(); shape.services.len()];
        for i in first..last {
            let span = synthetic_span(shape, &trace_id, base, &mut times, i);
            by_service[(i % shape.services.len() as u128) as usize].push(span);
        }
        let resource_spans: Vec<serde_json::Value> = by_service
            .into_iter()
            .zip(shape.services)
            .filter(|(spans, _)| !spans.is_empty())
            .map(|(spans, service)| {
                serde_json::json!({
                    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                    "scopeSpans": [{"scope": {"name": "obs-ui-tests"}, "spans": spans}],
                })
            })
            .collect();
        let body = serde_json::json!({ "resourceSpans": resource_spans });
        agent
            .post(&url)
            .header("content-type", "application/json")
            .send(body.to_string())
            .with_context(|| format!("send spans {first}..{last} of a {}-span trace to {url}", shape.spans))?;
        first = last;
    }
    Ok(trace_id)
}

/// Sends log records over OTLP/HTTP JSON: (service, severity, body, trace id, span id) each.
fn send_logs(server: &EmbeddedServer, records: &[(&str, &str, &str, &str, String)]) -> Result<()> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).context("read the clock")?;
    let resource_logs: Vec<serde_json::Value> = records
        .iter()
        .enumerate()
        .map(|(n, (service, severity, body, trace_id, span_id))| {
            let number = match *severity {
                "ERROR" => 17,
                "WARN" => 13,
                _ => 9,
            };
            serde_json::json!({
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
                "scopeLogs": [{"scope": {"name": "obs-ui-tests"}, "logRecords": [{
                    "timeUnixNano": (now.as_nanos() - 9_000_000_000 + n as u128 * 1_000_000).to_string(),
                    "severityText": severity, "severityNumber": number, "body": {"stringValue": body},
                    "traceId": trace_id, "spanId": span_id,
                }]}],
            })
        })
        .collect();
    let url = format!("{}/v1/logs", server.url(OTLP_HTTP));
    agent(10)
        .post(&url)
        .header("content-type", "application/json")
        .send(serde_json::json!({ "resourceLogs": resource_logs }).to_string())
        .with_context(|| format!("send log records to {url}"))?;
    Ok(())
}

/// Waits until the trace API answers `trace_id` with `spans` spans.
fn wait_for_spans(ui: &str, trace_id: &str, spans: usize) -> Result<()> {
    let url = format!("{ui}/api/datasources/proxy/uid/tempo/api/traces/{trace_id}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = 0;
    while Instant::now() < deadline {
        if let Ok(mut response) = agent(30).get(&url).call() {
            let body = response.body_mut().with_config().limit(1 << 30).read_to_string().unwrap_or_default();
            seen = body.matches("\"spanId\"").count();
            if seen >= spans {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("{url} never held {spans} spans; the last answer had {seen}")
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
/// spans; 1,000-, 10,000- and 100,000-span traces stay interactive (timings printed, not asserted);
/// trace/span/log cross-links, in-trace search, the treegrid keyboard, both themes' contrast, history
/// and the not-found page behave; empty states and API errors are shown.
#[test]
fn browser_walks_the_runbook() -> Result<()> {
    let node = require_tools()?;
    let server = EmbeddedServer::start(&[])?;
    let empty = EmbeddedServer::start(&[])?;
    let trace_id = send_smoke(&server)?;
    let one_service = ["ui_big_trace"];
    let big = Synthetic {
        spans: 1000,
        fanout: 4,
        services: &one_service,
        name: |i| format!("step-{}", i % 23),
        fails: |i| i % 97 == 13,
        missing_parent: None,
        link: None,
    };
    let big_trace_id = send_trace(&server, &big, 1)?;
    // Span 14 (index 13) fails; its log line comes from another service than the trace's root.
    send_logs(
        &server,
        &[
            ("ui_big_trace", "INFO", "sweep started", big_trace_id.as_str(), format!("{:016x}", 1)),
            (
                "ui_log_worker",
                "ERROR",
                "lake read failed: object not found",
                big_trace_id.as_str(),
                format!("{:016x}", 14),
            ),
            ("ui_log_worker", "INFO", "worker step done", big_trace_id.as_str(), format!("{:016x}", 2)),
        ],
    )?;
    let sweep_services = ["ui_sweep_optimizer", "ui_sweep_lake", "ui_sweep_risk", "ui_sweep_broker"];
    let sweep = |spans, fanout| Synthetic {
        spans,
        fanout,
        services: &sweep_services,
        name: |i| if i % 271 == 7 { "needle-7f3a".to_string() } else { format!("sweep.step-{}", i % 31) },
        fails: |i| i % 37 == 5,
        missing_parent: None,
        link: Some((big_trace_id.clone(), format!("{:016x}", 14))),
    };
    let sweep_10k_id = send_trace(&server, &sweep(10_000, 4), 2)?;
    let sweep_100k_id = send_trace(&server, &sweep(100_000, 5), 3)?;
    let partial = Synthetic {
        spans: 5,
        fanout: 2,
        services: &one_service,
        name: |i| format!("partial-{i}"),
        fails: |_| false,
        missing_parent: Some(3),
        link: None,
    };
    let partial_id = send_trace(&server, &partial, 4)?;
    let backtest_trace_id = run_backtest(&server)?;
    let ui = server.url(GRAFANA);
    wait_for_smoke(&ui, &trace_id)?;
    for (id, spans) in [
        (&big_trace_id, 1000),
        (&sweep_10k_id, 10_000),
        (&sweep_100k_id, 100_000),
        (&partial_id, 5),
        (&backtest_trace_id, 1),
    ] {
        wait_for_spans(&ui, id, spans)?;
    }
    let logql = "%7Bservice_name%3D%22ui_log_worker%22%7D";
    wait_for(&format!("{ui}/api/datasources/proxy/uid/loki/loki/api/v1/query_range?query={logql}"), |b| {
        b.contains("lake read failed")
    })?;
    let screenshots = target_dir().join("ui-screenshots");
    let output = Command::new(node)
        .args(["--test", "--test-reporter=spec", "--test-timeout=240000", "browser.test.mjs"])
        .current_dir(workspace_root().join(NODE_DIR))
        .env("OBS_UI_URL", &ui)
        .env("OBS_UI_EMPTY_URL", empty.url(GRAFANA))
        .env("OBS_UI_TRACE_ID", &trace_id)
        .env("OBS_UI_BIG_TRACE_ID", &big_trace_id)
        .env("OBS_UI_10K_TRACE_ID", &sweep_10k_id)
        .env("OBS_UI_100K_TRACE_ID", &sweep_100k_id)
        .env("OBS_UI_PARTIAL_TRACE_ID", &partial_id)
        .env("OBS_UI_OTLP_HTTP", server.url(OTLP_HTTP))
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
