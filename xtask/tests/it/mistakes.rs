//! The mistakes a new user makes (the newcomer notes L2 to L6), each answered with what happened
//! and what to do, through the built binary with a private environment.

use anyhow::Result;

use crate::runtime_env::{Env, standin_env};

/// L2: a backend chosen by OBS_BACKEND is said to come from the variable, and its case is free.
#[test]
fn backend_variable_is_named_and_case_insensitive() -> Result<()> {
    let mut env = standin_env()?;
    env.set("OBS_BACKEND", "Docker");
    let out = env.run(&["obs-up", "--dry-run"])?;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "backend: docker (asked for with OBS_BACKEND=Docker)\n");
    Ok(())
}

/// L3: obs-down --backend docker with no daemon has nothing to stop and succeeds saying so.
#[test]
fn down_docker_without_daemon_is_a_no_op() -> Result<()> {
    let mut env = standin_env()?;
    env.set("DOCKER_STANDIN_2_EXIT", "1");
    env.set("DOCKER_STANDIN_2_STDERR", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n");
    env.set("DOCKER_STANDIN_2_STDOUT", "");
    let out = env.run(&["obs-down", "--backend", "docker"])?;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.starts_with("no compose stack can be running ("), "{}", out.stderr);
    assert!(out.stderr.ends_with("); nothing to stop\n"), "{}", out.stderr);
    assert!(!out.stderr.contains("obs-up"), "a stop command gives no start advice: {}", out.stderr);
    Ok(())
}

/// L4: two services set to one port are caught before anything starts, naming both variables.
#[test]
fn duplicate_ports_are_caught_before_starting() -> Result<()> {
    let mut env = Env::new("/usr/bin:/bin")?;
    let loki = env.port("OBS_LOKI_PORT").to_string();
    env.set("OBS_TEMPO_PORT", loki.clone());
    let out = env.run(&["obs-up", "--backend", "embedded", "--dry-run"])?;
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        out.stderr,
        format!(
            "error: two services of the stack share a port:\n  port {loki} is set for OBS_LOKI_PORT and \
             OBS_TEMPO_PORT\ngive each its own port\n"
        )
    );
    Ok(())
}

/// L5: obs-logs rejects a service name the stack does not have, listing the names it has.
#[test]
fn logs_of_an_unknown_service_are_refused() -> Result<()> {
    let env = Env::new("/usr/bin:/bin")?;
    let out = env.run(&["obs-logs", "bogus", "--no-follow", "--backend", "embedded"])?;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.starts_with("error: no service named \"bogus\"; pick one of "), "{}", out.stderr);
    assert!(out.stderr.contains("tempo") && out.stderr.contains("otel-collector"), "{}", out.stderr);
    Ok(())
}
