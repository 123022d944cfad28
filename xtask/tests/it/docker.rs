//! The docker backend as a user meets it: the real docker client and compose plugin with no
//! daemon, and the recording `docker` stand-in (first on `PATH`) for the exact compose argv of
//! up, down, status and logs, a missing client, a missing compose plugin, and busy ports.

use anyhow::Result;

use crate::runtime_env::{COMPOSE, Env, calls, standin_env};

/// With the real client and compose plugin but no daemon, obs-up says so in one sentence.
#[test]
fn real_client_without_daemon_fails_in_one_sentence() -> Result<()> {
    test_support::tools::system("docker", "docker-ce-cli")?;
    let env = Env::new("/usr/local/bin:/usr/bin:/bin")?;
    let out = env.run(&["obs-up", "--backend", "docker"])?;
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "backend: docker (asked for with --backend docker)\n\
         error: the Docker daemon is not running (`docker info`: Cannot connect to the Docker daemon at \
         unix:///var/run/docker.sock. Is the docker daemon running?); start it (`sudo systemctl start docker`) \
         or run `cargo xtask obs-up --backend embedded`\n"
    );
    Ok(())
}

/// `auto` with the real client and no daemon picks embedded and says why (dry run: nothing starts).
#[test]
fn auto_without_daemon_picks_embedded() -> Result<()> {
    test_support::tools::system("docker", "docker-ce-cli")?;
    let mut env = Env::new("/usr/local/bin:/usr/bin:/bin")?;
    env.set("OBS_EMBEDDED_BIN", "/opt/obs-embedded");
    let out = env.run(&["obs-up", "--dry-run"])?;
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(env.filter(&format!("{}---\n{}", out.stderr, out.stdout)), @r"
    backend: embedded (no Docker daemon answered (`docker info`: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?); pass --backend docker to insist)
    ---
    # OBS_EMBEDDED_BIN names the binary; nothing to build
    /opt/obs-embedded (detached, log [TMP]/obs/obs-embedded.log)
    # then wait for collector-health at http://127.0.0.1:[OBS_COLLECTOR_HEALTH_PORT]/
    # then wait for tempo at http://127.0.0.1:[OBS_TEMPO_PORT]/ready
    # then wait for loki at http://127.0.0.1:[OBS_LOKI_PORT]/ready
    # then wait for prometheus at http://127.0.0.1:[OBS_PROMETHEUS_PORT]/-/ready
    # then wait for ui at http://127.0.0.1:[OBS_GRAFANA_PORT]/
    ");
    Ok(())
}

/// `auto` picks docker when the daemon answers `docker info`, and says so.
#[test]
fn auto_with_daemon_picks_docker() -> Result<()> {
    let env = standin_env()?;
    let out = env.run(&["obs-up", "--dry-run"])?;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "backend: docker (the Docker daemon 28.2.2 answered `docker info`)\n");
    assert_eq!(calls(&env), ["info --format {{.ServerVersion}}"]);
    Ok(())
}

/// A daemon that hangs on `docker info` is given up on after a bounded wait; auto picks embedded.
#[test]
fn hanging_daemon_is_bounded() -> Result<()> {
    let mut env = standin_env()?;
    env.set("DOCKER_STANDIN_2_DELAY_MS", "30000");
    let out = env.run(&["obs-up", "--dry-run"])?;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stderr,
        "backend: embedded (no Docker daemon answered (`docker info` did not answer within 3s); pass --backend docker to insist)\n"
    );
    Ok(())
}

/// `--dry-run` prints the exact docker commands and runs none of them.
#[test]
fn dry_run_prints_commands_only() -> Result<()> {
    let env = standin_env()?;
    let out = env.run(&["obs-up", "--backend", "docker", "--dry-run"])?;
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(env.filter(&out.stdout), @r"
    docker --version
    docker compose version --short
    docker info --format {{.ServerVersion}}
    docker compose --project-name observability -f ops/observability/docker-compose.yml up -d
    # then wait for otel-collector at http://127.0.0.1:[OBS_COLLECTOR_HEALTH_PORT]/
    # then wait for tempo at http://127.0.0.1:[OBS_TEMPO_PORT]/ready
    # then wait for loki at http://127.0.0.1:[OBS_LOKI_PORT]/ready
    # then wait for prometheus at http://127.0.0.1:[OBS_PROMETHEUS_PORT]/-/ready
    # then wait for grafana at http://127.0.0.1:[OBS_GRAFANA_PORT]/api/health
    ");
    assert_eq!(calls(&env), Vec::<String>::new());
    Ok(())
}

/// obs-up checks, starts the compose project, and on timeout names every unready service with its logs.
#[test]
fn up_runs_compose_then_names_unready_services() -> Result<()> {
    let mut env = standin_env()?;
    env.set("DOCKER_STANDIN_4_MATCH", " logs ");
    env.set("DOCKER_STANDIN_4_STDOUT", "level=error msg=\"still starting\"\n");
    let out = env.run(&["obs-up", "--backend", "docker", "--timeout", "1"])?;
    assert_eq!(out.code, 1, "{out:?}");
    let services = ["otel-collector", "tempo", "loki", "prometheus", "grafana"];
    let mut expected = vec![
        "--version".to_string(),
        "compose version --short".into(),
        "info --format {{.ServerVersion}}".into(),
        format!("{COMPOSE} up -d"),
    ];
    expected.extend(services.iter().map(|s| format!("{COMPOSE} logs --tail 20 {s}")));
    assert_eq!(calls(&env), expected);
    insta::assert_snapshot!(env.filter(&out.stderr), @r#"
    backend: docker (asked for with --backend docker)
    starting compose project "observability"
      otel-collector  NOT READY (connection refused)
      tempo           NOT READY (connection refused)
      loki            NOT READY (connection refused)
      prometheus      NOT READY (connection refused)
      grafana         NOT READY (connection refused)
    error: not ready after 1s: otel-collector at http://127.0.0.1:[OBS_COLLECTOR_HEALTH_PORT]/ (last: connection refused); tempo at http://127.0.0.1:[OBS_TEMPO_PORT]/ready (last: connection refused); loki at http://127.0.0.1:[OBS_LOKI_PORT]/ready (last: connection refused); prometheus at http://127.0.0.1:[OBS_PROMETHEUS_PORT]/-/ready (last: connection refused); grafana at http://127.0.0.1:[OBS_GRAFANA_PORT]/api/health (last: connection refused)
    last log lines of otel-collector:
    level=error msg="still starting"

    last log lines of tempo:
    level=error msg="still starting"

    last log lines of loki:
    level=error msg="still starting"

    last log lines of prometheus:
    level=error msg="still starting"

    last log lines of grafana:
    level=error msg="still starting"
    "#);
    Ok(())
}

/// A busy host port stops obs-up before compose runs, naming the port, its variable and holder.
#[test]
fn busy_port_names_variable_and_holder() -> Result<()> {
    let env = standin_env()?;
    let port = env.port("OBS_LOKI_PORT");
    let _held = std::net::TcpListener::bind(("127.0.0.1", port))?;
    let out = env.run(&["obs-up", "--backend", "docker"])?;
    assert_eq!(out.code, 1, "{out:?}");
    let me = std::process::id();
    let stderr = env.filter(&out.stderr).replace(&me.to_string(), "[PID]");
    let first_line = stderr.lines().nth(2).unwrap_or_default().to_string();
    assert!(
        first_line
            .starts_with("  port [OBS_LOKI_PORT] (OBS_LOKI_PORT, Loki) on 127.0.0.1 is in use, held by pid [PID] ("),
        "{stderr}"
    );
    assert!(first_line.contains("/it-"), "holder should be this test binary: {first_line}");
    assert_eq!(stderr.lines().nth(1), Some("error: 1 port(s) of the stack are in use:"));
    assert!(
        stderr.ends_with(&format!(
            "stop what holds them, or move the ports with their variables (for example OBS_LOKI_PORT={})\n",
            port as u32 + 10000
        )),
        "{stderr}"
    );
    assert!(!calls(&env).iter().any(|c| c.ends_with(" up -d")), "compose must not start: {:?}", calls(&env));
    Ok(())
}

/// With no docker on PATH, obs-up says docker is not installed and what to do.
#[test]
fn client_missing() -> Result<()> {
    let env = Env::new("")?;
    let out = env.run(&["obs-up", "--backend", "docker"])?;
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        "backend: docker (asked for with --backend docker)\nerror: docker is not installed; install Docker Engine \
         (https://docs.docker.com/engine/install/) or run `cargo xtask obs-up --backend embedded`\n"
    );
    Ok(())
}

/// A client without the compose plugin fails naming the plugin and how to get it.
#[test]
fn compose_plugin_missing() -> Result<()> {
    let mut env = standin_env()?;
    env.set("DOCKER_STANDIN_1_STDOUT", "");
    env.set("DOCKER_STANDIN_1_STDERR", "docker: unknown command: docker compose\n");
    env.set("DOCKER_STANDIN_1_EXIT", "1");
    let out = env.run(&["obs-up", "--backend", "docker"])?;
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr.lines().nth(1),
        Some(
            "error: the Docker Compose plugin is not installed (`docker compose version`: docker: unknown command: \
             docker compose); install the Docker Compose plugin v2 or later \
             (https://docs.docker.com/compose/install/linux/) or run `cargo xtask obs-up --backend embedded`"
        )
    );
    assert_eq!(calls(&env), ["--version", "compose version --short"]);
    Ok(())
}

/// obs-down runs `compose down --remove-orphans`, adding `--volumes` when asked.
#[test]
fn down_argv() -> Result<()> {
    let env = standin_env()?;
    let out = env.run(&["obs-down", "--backend", "docker", "--volumes"])?;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "stopped compose project \"observability\" and removed its volumes\n");
    let out = env.run(&["obs-down", "--backend", "docker"])?;
    assert_eq!(out.code, 0, "{out:?}");
    let downs: Vec<String> = calls(&env).into_iter().filter(|c| c.starts_with(COMPOSE)).collect();
    assert_eq!(
        downs,
        [format!("{COMPOSE} down --remove-orphans --volumes"), format!("{COMPOSE} down --remove-orphans")]
    );
    Ok(())
}

/// Without --backend, obs-down stops the compose project when a daemon answers (nothing embedded runs).
#[test]
fn down_without_backend_stops_compose_when_daemon_answers() -> Result<()> {
    let env = standin_env()?;
    let out = env.run(&["obs-down"])?;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "obs-embedded is not running; nothing to stop\nstopped compose project \"observability\"\n");
    assert_eq!(calls(&env).last().map(String::as_str), Some(format!("{COMPOSE} down --remove-orphans").as_str()));
    Ok(())
}

/// obs-status reads `compose ps --format json` (one object per line) and probes each service.
#[test]
fn status_reads_compose_ps() -> Result<()> {
    let mut env = standin_env()?;
    env.set("DOCKER_STANDIN_4_MATCH", " ps ");
    env.set(
        "DOCKER_STANDIN_4_STDOUT",
        "{\"Service\":\"tempo\",\"State\":\"running\",\"Health\":\"healthy\",\"Status\":\"Up 2 minutes (healthy)\"}\n\
         {\"Service\":\"loki\",\"State\":\"exited\",\"Health\":\"\",\"Status\":\"Exited (1) 5 seconds ago\"}\n",
    );
    let out = env.run(&["obs-status", "--json"])?;
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(calls(&env).last().map(String::as_str), Some(format!("{COMPOSE} ps --all --format json").as_str()));
    let status: serde_json::Value = serde_json::from_str(out.stdout.trim())?;
    assert_eq!(status["backend"], "docker");
    assert_eq!(status["ready"], false);
    assert_eq!(status["containers"][0]["Service"], "tempo");
    assert_eq!(status["containers"][1]["State"], "exited");
    let names: Vec<&str> =
        status["services"].as_array().into_iter().flatten().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["otel-collector", "tempo", "loki", "prometheus", "grafana"]);
    assert_eq!(status["services"][1]["detail"], "connection refused");
    assert_eq!(out.stderr, "error: not ready: otel-collector, tempo, loki, prometheus, grafana\n");
    Ok(())
}

/// obs-logs follows one service or all of them; an unknown service is named with the valid ones.
#[test]
fn logs_argv() -> Result<()> {
    let mut env = standin_env()?;
    env.set("DOCKER_STANDIN_4_MATCH", " logs");
    env.set("DOCKER_STANDIN_4_STDOUT", "tempo-1  | level=info msg=ready\n");
    let out = env.run(&["obs-logs", "tempo", "--backend", "docker"])?;
    assert_eq!((out.code, out.stdout.as_str()), (0, "tempo-1  | level=info msg=ready\n"), "{out:?}");
    let out = env.run(&["obs-logs", "--no-follow", "--backend", "docker"])?;
    assert_eq!(out.code, 0, "{out:?}");
    let logs: Vec<String> = calls(&env).into_iter().filter(|c| c.starts_with(COMPOSE)).collect();
    assert_eq!(logs, [format!("{COMPOSE} logs -f tempo"), format!("{COMPOSE} logs")]);
    let out = env.run(&["obs-logs", "grafanna", "--backend", "docker"])?;
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: no service named \"grafanna\"; pick one of grafana, loki, tempo, otel-collector, prometheus\n"
    );
    Ok(())
}
