//! The first start talks: with no built binary, obs-up and obs-smoke say what they build, why and
//! for how long before cargo runs, and cargo's own output reaches the user. `cargo` here is the
//! recording stand-in (a real cold release build takes many minutes): it records its argv, prints
//! a progress line on stderr as cargo does, and builds nothing, so each command then fails naming
//! the missing binary.

use anyhow::Result;

use crate::runtime_env::{Env, build, calls};

/// A private environment whose `cargo` is the recording stand-in and whose target dir is empty.
fn cold_env() -> Result<Env> {
    let mut env = Env::new("/usr/bin:/bin")?;
    env.set("CARGO", build("docker-standin", "docker")?.display().to_string());
    env.set("CARGO_TARGET_DIR", env.dir.path().join("target").display().to_string());
    env.set("DOCKER_STANDIN_LOG", env.dir.path().join("calls.log").display().to_string());
    env.set("DOCKER_STANDIN_STDERR", "   Compiling fake v0.1.0\n");
    Ok(env)
}

/// A cold obs-up announces the release build of obs-embedded and runs cargo without `--quiet`.
#[test]
fn cold_obs_up_announces_the_release_build() -> Result<()> {
    let env = cold_env()?;
    let out = env.run(&["obs-up", "--backend", "embedded"])?;
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout, "");
    insta::assert_snapshot!(env.filter(&out.stderr), @r"
    backend: embedded (asked for with --backend embedded)
    first run: building obs-embedded in release ([TMP]/target/release/obs-embedded does not exist yet), several minutes; cargo's progress follows. Set OBS_EMBEDDED_BIN to use a prebuilt binary
       Compiling fake v0.1.0
    error: cargo build finished but [TMP]/target/release/obs-embedded does not exist; check CARGO_TARGET_DIR, or set OBS_EMBEDDED_BIN to a built binary
    ");
    assert_eq!(calls(&env), ["build --release -p obs-embedded"]);
    Ok(())
}

/// A cold obs-smoke announces the smoke-sender build and shows cargo's output before sending.
#[test]
fn cold_obs_smoke_announces_the_build() -> Result<()> {
    let env = cold_env()?;
    let out = env.run(&["obs-smoke", "--timeout", "1"])?;
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout, "");
    insta::assert_snapshot!(env.filter(&out.stderr), @r"
    first run: building smoke-sender in debug ([TMP]/target/debug/smoke-sender does not exist yet), a minute or two; cargo's progress follows. Set SMOKE_SENDER_BIN to use a prebuilt binary
       Compiling fake v0.1.0
    error: smoke-sender binary [TMP]/target/debug/smoke-sender does not exist after the build; set SMOKE_SENDER_BIN to a built one
    ");
    assert_eq!(calls(&env), ["build -p smoke-sender"]);
    Ok(())
}
