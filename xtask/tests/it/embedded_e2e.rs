//! The embedded backend end to end, as a user runs it: the built `xtask` binary starts the real
//! `obs-embedded` on free ports (detached, pid and state files in a private state dir), proves
//! telemetry with obs-smoke, reports with obs-status, shows the log, and stops it — twice.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::Value;

use crate::runtime_env::{Env, build, wait_for};

/// An environment without docker on `PATH` (so `auto` picks embedded) and prebuilt binaries.
fn embedded_env() -> Result<Env> {
    let mut env = Env::new("/usr/bin:/bin")?;
    env.set("OBS_EMBEDDED_BIN", test_support::embedded::build_binary()?.display().to_string());
    env.set("SMOKE_SENDER_BIN", build("smoke-sender", "smoke-sender")?.display().to_string());
    Ok(env)
}

fn state(env: &Env) -> Result<Value> {
    let path = env.state_dir().join("state.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("read {}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}

fn pid_of(env: &Env) -> Result<u32> {
    let pid = state(env)?["pid"].as_u64().context("state.json has no pid")?;
    Ok(u32::try_from(pid)?)
}

/// Whether a process is gone (absent, or a zombie waiting to be reaped).
fn gone(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_or(true, |stat| stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')))
}

/// Filters this environment's ports, paths and durations, and the server's pid.
fn shown(env: &Env, pid: u32, text: &str) -> String {
    env.filter(text).replace(&format!("pid {pid}"), "pid [PID]")
}

/// obs-up starts the server and prints the table; a second obs-up reuses it; obs-status, obs-logs
/// and obs-down report on it; a second obs-down has nothing to do.
#[test]
fn up_status_logs_down_twice() -> Result<()> {
    let env = embedded_env()?;
    let out = env.run(&["obs-up", "--timeout", "30"])?;
    assert_eq!(out.code, 0, "{out:?}");
    let pid = pid_of(&env)?;
    insta::assert_snapshot!(shown(&env, pid, &format!("{}---\n{}", out.stderr, out.stdout)), @r"
    backend: embedded (no Docker daemon answered (docker is not installed); pass --backend docker to insist)
    started obs-embedded (pid [PID]), log [TMP]/obs/obs-embedded.log
      collector-health  ready in [DUR]
      tempo             ready in [DUR]
      loki              ready in [DUR]
      prometheus        ready in [DUR]
      ui                ready in [DUR]
    ---
    service            URL                     credentials
    obs-embedded UI    http://127.0.0.1:[OBS_GRAFANA_PORT]  -
    Loki               http://127.0.0.1:[OBS_LOKI_PORT]  -
    Tempo              http://127.0.0.1:[OBS_TEMPO_PORT]  -
    OTLP gRPC          http://127.0.0.1:[OBS_OTLP_GRPC_PORT]  -
    OTLP HTTP          http://127.0.0.1:[OBS_OTLP_HTTP_PORT]  -
    Collector metrics  http://127.0.0.1:[OBS_COLLECTOR_METRICS_PORT]  -
    Prometheus         http://127.0.0.1:[OBS_PROMETHEUS_PORT]  -
    Collector health   http://127.0.0.1:[OBS_COLLECTOR_HEALTH_PORT]  -
    ");
    assert_eq!(std::fs::read_to_string(env.state_dir().join("obs-embedded.pid"))?, format!("{pid}\n"));
    let recorded = state(&env)?;
    assert_eq!(recorded["backend"], "embedded");
    assert_eq!(recorded["ports"]["tempo"], env.port("OBS_TEMPO_PORT"));

    let again = env.run(&["obs-up", "--backend", "embedded", "--json"])?;
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(
        shown(&env, pid, again.stderr.lines().nth(1).unwrap_or_default()),
        "obs-embedded is already running (pid [PID]), log [TMP]/obs/obs-embedded.log"
    );
    let table: Value = serde_json::from_str(again.stdout.trim())?;
    assert_eq!(table["backend"], "embedded");
    assert_eq!(table["services"][0]["service"], "obs-embedded UI");
    assert_eq!(pid_of(&env)?, pid, "a second obs-up must not start another server");

    // L6: asking a running stack for other ports says they are ignored and how to move it.
    let moved = env.port("OBS_TEMPO_PORT") + 1;
    let again = env.command(&["obs-up", "--backend", "embedded"]).env("OBS_TEMPO_PORT", moved.to_string()).output()?;
    let again = String::from_utf8_lossy(&again.stderr).into_owned();
    assert_eq!(
        shown(&env, pid, again.lines().nth(2).unwrap_or_default()),
        format!(
            "note: it keeps the ports it started with, so OBS_TEMPO_PORT={moved} (it listens on {}) is \
             ignored; run `cargo xtask obs-down` first to move it",
            env.port("OBS_TEMPO_PORT")
        ),
        "{again}"
    );

    let status = env.run(&["obs-status", "--json"])?;
    assert_eq!(status.code, 0, "{status:?}");
    let status: Value = serde_json::from_str(status.stdout.trim())?;
    assert_eq!(
        (status["backend"].as_str(), status["ready"].as_bool(), status["pid"].as_u64()),
        (Some("embedded"), Some(true), Some(u64::from(pid)))
    );
    assert_eq!(status["server"]["listen"]["tempo"], format!("127.0.0.1:{}", env.port("OBS_TEMPO_PORT")));
    for store in ["traces", "logs", "metrics"] {
        assert!(status["server"]["stores"][store]["max_items"].as_u64().is_some_and(|m| m > 0), "{status}");
    }

    let human = env.run(&["obs-status"])?;
    assert_eq!(human.code, 0, "{human:?}");
    let human = shown(&env, pid, &human.stdout);
    assert!(human.starts_with("backend: embedded (pid [PID], binary "), "{human}");
    let tempo = human.lines().find(|l| l.starts_with("  tempo ")).unwrap_or_default();
    assert!(tempo.contains(" http://127.0.0.1:[OBS_TEMPO_PORT]/ready ") && tempo.ends_with(" ready"), "{human}");
    assert!(human.contains("\n  traces   items "), "{human}");

    let logs = env.run(&["obs-logs", "--no-follow"])?;
    assert_eq!(logs.code, 0, "{logs:?}");
    assert!(logs.stdout.contains("obs-embedded"), "{logs:?}");

    let mut follow = env.command(&["obs-logs"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let down = env.run(&["obs-down"])?;
    assert_eq!((down.code, shown(&env, pid, &down.stderr).as_str()), (0, "stopped obs-embedded (pid [PID])\n"));
    assert!(
        wait_for(Duration::from_secs(10), || follow.try_wait().is_ok_and(|s| s.is_some())),
        "obs-logs kept following"
    );
    let followed = follow.wait_with_output()?;
    assert!(followed.status.success(), "{followed:?}");
    assert!(String::from_utf8_lossy(&followed.stdout).contains("obs-embedded"), "{followed:?}");
    assert_eq!(
        env.filter(&String::from_utf8_lossy(&followed.stderr)),
        "obs-embedded is not running; stopped following [TMP]/obs/obs-embedded.log\n"
    );
    assert!(wait_for(Duration::from_secs(5), || gone(pid)), "pid {pid} still running after obs-down");
    assert!(!Path::new(&env.state_dir().join("obs-embedded.pid")).exists());
    let twice = env.run(&["obs-down"])?;
    assert_eq!((twice.code, twice.stderr.as_str()), (0, "obs-embedded is not running; nothing to stop\n"));
    Ok(())
}

/// obs-smoke passes all three signals against the server obs-up started, printing a line each,
/// from a shell without the `OBS_*_PORT` variables: the ports come from obs-up's state file.
#[test]
fn up_smoke_down() -> Result<()> {
    let env = embedded_env()?;
    let up = env.run(&["obs-up", "--backend", "embedded"])?;
    assert_eq!(up.code, 0, "{up:?}");
    let mut bare_shell = env.command(&["obs-smoke", "--timeout", "10"]);
    for (variable, _) in &env.ports {
        bare_shell.env_remove(variable);
    }
    let smoke = bare_shell.output();
    let down = env.run(&["obs-down", "--backend", "embedded"])?;
    assert_eq!(down.code, 0, "{down:?}");
    let smoke = smoke?;
    let smoke = crate::runtime_env::Output {
        code: smoke.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&smoke.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&smoke.stderr).into_owned(),
    };
    assert_eq!(smoke.code, 0, "{smoke:?}");
    assert_eq!(smoke.stderr, "", "no note: the environment asks for no other ports");
    let id = smoke.stdout.split_whitespace().nth(2).unwrap_or_default().to_string();
    let span = smoke.stdout.split_whitespace().nth(4).unwrap_or_default().trim_end_matches(')').to_string();
    let text = env.filter(&smoke.stdout).replace(&id, "[TRACE_ID]").replace(&span, "[SPAN_ID]");
    insta::assert_snapshot!(text, @r#"
    sent trace [TRACE_ID] (span [SPAN_ID]) over http to the embedded backend
    trace  PASS  [DUR]  search and /api/traces/[TRACE_ID] found span "obs-smoke"
    log    PASS  [DUR]  1 line(s) for trace_id [TRACE_ID]
    metric PASS  [DUR]  peak_trade_smoke_total{smoke_run_id="[TRACE_ID]"} = 1
    trace: http://127.0.0.1:[OBS_GRAFANA_PORT]/trace/[TRACE_ID]
    "#);
    Ok(())
}

/// A server that dies while starting is reported with its log's last lines; no state is left.
#[test]
fn death_during_startup_shows_the_log() -> Result<()> {
    let mut env = embedded_env()?;
    env.set("OBS_MAX_SPANS", "abc");
    let out = env.run(&["obs-up", "--backend", "embedded", "--timeout", "30"])?;
    assert_eq!(out.code, 1, "{out:?}");
    let stderr = env.filter(&out.stderr);
    let error = stderr.split_once("error: ").map_or("", |(_, e)| e);
    assert!(
        error.starts_with(
            "obs-embedded exited (exit status: 2) while starting; last lines of [TMP]/obs/obs-embedded.log:\n"
        ),
        "{stderr}"
    );
    assert!(error.contains("invalid value 'abc'"), "{stderr}");
    assert!(!env.state_dir().join("state.json").exists());
    assert!(!env.state_dir().join("obs-embedded.pid").exists());
    Ok(())
}

/// A pid file left by a SIGKILLed server, or naming a pid reused by another program, is stale:
/// obs-down removes it without touching that program, and obs-up starts afresh.
#[test]
fn stale_pid_files() -> Result<()> {
    let env = embedded_env()?;
    let up = env.run(&["obs-up", "--backend", "embedded"])?;
    assert_eq!(up.code, 0, "{up:?}");
    let pid = pid_of(&env)?;
    let raw = rustix::process::Pid::from_raw(i32::try_from(pid)?).context("pid 0")?;
    rustix::process::kill_process(raw, rustix::process::Signal::KILL)?;
    assert!(wait_for(Duration::from_secs(5), || gone(pid)));
    let up = env.run(&["obs-up", "--backend", "embedded"])?;
    assert_eq!(up.code, 0, "{up:?}");
    assert_eq!(
        shown(&env, pid, up.stderr.lines().nth(1).unwrap_or_default()),
        "removing a stale pid file: pid [PID] is no longer running"
    );
    let fresh = pid_of(&env)?;
    let down = env.run(&["obs-down"])?;
    assert_eq!(down.code, 0, "{down:?}");

    // Now a state file naming this test process: a live pid that is not obs-embedded.
    let me = std::process::id();
    let fake = serde_json::json!({"backend":"embedded","pid":me,"bind":"127.0.0.1","ports":{},"started_at":0,"binary":"/nowhere/obs-embedded"});
    std::fs::write(env.state_dir().join("state.json"), fake.to_string())?;
    std::fs::write(env.state_dir().join("obs-embedded.pid"), format!("{me}\n"))?;
    let down = env.run(&["obs-down"])?;
    assert_eq!(down.code, 0, "{down:?}");
    let line = down.stderr.replace(&me.to_string(), "[ME]");
    assert!(line.starts_with("obs-embedded is not running (pid [ME] now runs another program ("), "{line}");
    assert!(line.ends_with("); removed its stale pid file\n"), "{line}");
    assert!(!env.state_dir().join("state.json").exists());
    assert!(gone(fresh));
    Ok(())
}

/// A port already taken stops obs-up before anything starts, naming the variable and the holder.
#[test]
fn busy_port_blocks_embedded_start() -> Result<()> {
    let env = embedded_env()?;
    let _held = std::net::TcpListener::bind(("127.0.0.1", env.port("OBS_TEMPO_PORT")))?;
    let out = env.run(&["obs-up", "--backend", "embedded"])?;
    assert_eq!(out.code, 1, "{out:?}");
    let stderr = env.filter(&out.stderr).replace(&std::process::id().to_string(), "[ME]");
    assert!(
        stderr.contains("\n  port [OBS_TEMPO_PORT] (OBS_TEMPO_PORT, Tempo) on 127.0.0.1 is in use, held by pid [ME] ("),
        "{stderr}"
    );
    assert!(!env.state_dir().join("state.json").exists());
    Ok(())
}
