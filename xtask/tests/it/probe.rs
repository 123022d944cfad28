//! Readiness polling as `obs-up` does it, through the built binary: the docker path with the
//! recording stand-in, where loopback servers on the stack's ports come up only after `compose
//! up` was called, answer 503 first (as Loki and Tempo do while starting), then 200.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::runtime_env::{COMPOSE, Env, calls, standin_env, wait_for};

/// One HTTP/1.1 answer per connection: `not_ready` times 503 with Loki's starting body, then 200.
fn serve(port: u16, not_ready: usize, body_when_ready: &'static str) -> Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).with_context(|| format!("bind 127.0.0.1:{port}"))?;
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
                line.clear();
            }
            let (status, body) = if n < not_ready {
                ("503 Service Unavailable", "Some services are not Running:\nStarting: 1\nRunning: 16\n")
            } else {
                ("200 OK", body_when_ready)
            };
            let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let mut out = &stream;
            let _ = out.write_all(head.as_bytes()).and_then(|()| out.write_all(body.as_bytes()));
        }
    });
    Ok(())
}

/// Starts the five readiness servers once the stand-in has recorded `compose up -d`.
fn bring_up_after_compose(env: &Env, loki_not_ready: usize) -> Result<()> {
    let up = format!("{COMPOSE} up -d");
    let log = env.dir.path().join("calls.log");
    let recorded = wait_for(Duration::from_secs(30), || {
        std::fs::read_to_string(&log).is_ok_and(|calls| calls.lines().any(|c| c == up))
    });
    anyhow::ensure!(recorded, "obs-up never ran `docker {up}`: {:?}", calls(env));
    serve(env.port("OBS_COLLECTOR_HEALTH_PORT"), 0, r#"{"status":"Server available"}"#)?;
    serve(env.port("OBS_TEMPO_PORT"), 1, "ready\n")?;
    serve(env.port("OBS_LOKI_PORT"), loki_not_ready, "ready\n")?;
    serve(env.port("OBS_PROMETHEUS_PORT"), 0, "Prometheus Server is Ready.\n")?;
    serve(env.port("OBS_GRAFANA_PORT"), 0, r#"{"database":"ok","version":"13.2.0"}"#)
}

/// Services that answer 503 while starting are awaited; then the docker access table is printed.
#[test]
fn docker_up_waits_through_503_and_prints_the_table() -> Result<()> {
    let env = standin_env()?;
    let (out, served) = std::thread::scope(|scope| {
        let run = scope.spawn(|| env.run(&["obs-up", "--backend", "docker", "--timeout", "60"]));
        let served = bring_up_after_compose(&env, 3);
        (run.join(), served)
    });
    served?;
    let out = out.map_err(|_| anyhow::anyhow!("obs-up thread panicked"))??;
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(env.filter(&format!("{}---\n{}", out.stderr, out.stdout)), @r#"
    backend: docker (asked for with --backend docker)
    starting compose project "observability"
      otel-collector  ready in [DUR]
      tempo           ready in [DUR]
      loki            ready in [DUR]
      prometheus      ready in [DUR]
      grafana         ready in [DUR]
    ---
    service            URL                     credentials
    Grafana            http://127.0.0.1:[OBS_GRAFANA_PORT]  admin/admin
    Loki               http://127.0.0.1:[OBS_LOKI_PORT]  -
    Tempo              http://127.0.0.1:[OBS_TEMPO_PORT]  -
    OTLP gRPC          http://127.0.0.1:[OBS_OTLP_GRPC_PORT]  -
    OTLP HTTP          http://127.0.0.1:[OBS_OTLP_HTTP_PORT]  -
    Collector metrics  http://127.0.0.1:[OBS_COLLECTOR_METRICS_PORT]  -
    Prometheus         http://127.0.0.1:[OBS_PROMETHEUS_PORT]  -
    Collector health   http://127.0.0.1:[OBS_COLLECTOR_HEALTH_PORT]  -
    "#);
    Ok(())
}

/// A service stuck at 503 past --timeout is named with its last answer and its compose logs.
#[test]
fn docker_up_names_the_service_stuck_at_503() -> Result<()> {
    let mut env = standin_env()?;
    env.set("DOCKER_STANDIN_4_MATCH", "logs --tail 20 loki");
    env.set("DOCKER_STANDIN_4_STDOUT", "loki-1  | level=warn msg=\"waiting for scheduler\"\n");
    let (out, served) = std::thread::scope(|scope| {
        let run = scope.spawn(|| env.run(&["obs-up", "--backend", "docker", "--timeout", "3"]));
        let served = bring_up_after_compose(&env, usize::MAX);
        (run.join(), served)
    });
    served?;
    let out = out.map_err(|_| anyhow::anyhow!("obs-up thread panicked"))??;
    assert_eq!(out.code, 1, "{out:?}");
    let stderr = env.filter(&out.stderr);
    let error = stderr.lines().find(|l| l.starts_with("error:")).unwrap_or_default();
    assert_eq!(
        error,
        "error: not ready after 3s: loki at http://127.0.0.1:[OBS_LOKI_PORT]/ready (last: HTTP 503: Some services are not Running:)"
    );
    assert!(
        stderr.ends_with("last log lines of loki:\nloki-1  | level=warn msg=\"waiting for scheduler\"\n\n"),
        "{stderr}"
    );
    assert_eq!(calls(&env).last().map(String::as_str), Some(format!("{COMPOSE} logs --tail 20 loki").as_str()));
    Ok(())
}
