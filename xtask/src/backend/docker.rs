//! The docker backend: every `docker` and `docker compose` command planned as a value (so tests
//! compare exact argv and `--dry-run` prints them), and the up-front checks for the client, the
//! compose plugin and the daemon, each failing with one sentence saying what to do.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use obs_stack::{COMPOSE_FILE, COMPOSE_PROJECT};
use xshell::{Cmd, Shell, cmd};

use super::exec::{Ran, run_bounded};

/// How long a version or info query may take before it counts as not answering.
const QUERY_TIMEOUT: Duration = Duration::from_secs(10);
/// What to suggest when Docker cannot be used.
const USE_EMBEDDED: &str = "run `cargo xtask obs-up --backend embedded`";

/// A shell whose working directory is the workspace root, so the compose file path is relative.
pub fn shell() -> Result<Shell> {
    let sh = Shell::new().context("create a shell for docker commands")?;
    sh.change_dir(super::workspace_root());
    Ok(sh)
}

fn compose(sh: &Shell) -> Cmd<'_> {
    cmd!(sh, "docker compose --project-name {COMPOSE_PROJECT} -f {COMPOSE_FILE}")
}

/// `docker compose ... up -d`: create and start every service in the background.
pub fn compose_up(sh: &Shell) -> Cmd<'_> {
    compose(sh).args(["up", "-d"])
}

/// `docker compose ... down --remove-orphans [--volumes]`.
pub fn compose_down(sh: &Shell, volumes: bool) -> Cmd<'_> {
    let cmd = compose(sh).args(["down", "--remove-orphans"]);
    if volumes { cmd.arg("--volumes") } else { cmd }
}

/// `docker compose ... ps --all --format json`: one JSON object per container.
pub fn compose_ps(sh: &Shell) -> Cmd<'_> {
    compose(sh).args(["ps", "--all", "--format", "json"])
}

/// `docker compose ... logs [-f] [--tail N] [SERVICE]`.
pub fn compose_logs<'a>(sh: &'a Shell, service: Option<&str>, follow: bool, tail: Option<u32>) -> Cmd<'a> {
    let mut cmd = compose(sh).arg("logs");
    if follow {
        cmd = cmd.arg("-f");
    }
    if let Some(lines) = tail {
        cmd = cmd.args(["--tail", &lines.to_string()]);
    }
    match service {
        Some(service) => cmd.arg(service),
        None => cmd,
    }
}

/// `docker --version`: answers without a daemon, so it proves only the client is installed.
pub fn client_version(sh: &Shell) -> Cmd<'_> {
    cmd!(sh, "docker --version")
}

/// `docker compose version --short`: the compose plugin's version, such as `2.40.3`.
pub fn compose_version(sh: &Shell) -> Cmd<'_> {
    cmd!(sh, "docker compose version --short")
}

/// `docker info --format {{.ServerVersion}}`: fails unless the daemon answers.
pub fn daemon_info(sh: &Shell) -> Cmd<'_> {
    cmd!(sh, "docker info --format").arg("{{.ServerVersion}}")
}

/// The commands the checks run, in order (for `--dry-run`).
pub fn check_commands(sh: &Shell) -> Vec<Cmd<'_>> {
    vec![client_version(sh), compose_version(sh), daemon_info(sh)]
}

/// Checks the client, the compose plugin (v2 or later) and the daemon, in that order.
pub fn require(sh: &Shell) -> Result<()> {
    require_client(sh)?;
    require_compose(sh)?;
    require_daemon(sh, QUERY_TIMEOUT)
}

fn require_client(sh: &Shell) -> Result<()> {
    match run_bounded(client_version(sh), QUERY_TIMEOUT).context("run `docker --version`")? {
        Ran::Finished(out) if out.success() => Ok(()),
        Ran::Missing => bail!(
            "docker is not installed; install Docker Engine (https://docs.docker.com/engine/install/) or {USE_EMBEDDED}"
        ),
        Ran::Finished(out) => bail!(
            "the docker client does not work (`docker --version`: {}); reinstall Docker Engine or {USE_EMBEDDED}",
            out.first_line()
        ),
        Ran::TimedOut => bail!(
            "`docker --version` did not answer within {QUERY_TIMEOUT:?}; check the docker client or {USE_EMBEDDED}"
        ),
    }
}

fn require_compose(sh: &Shell) -> Result<()> {
    let hint = "install the Docker Compose plugin v2 or later (https://docs.docker.com/compose/install/linux/)";
    let out = match run_bounded(compose_version(sh), QUERY_TIMEOUT).context("run `docker compose version`")? {
        Ran::Finished(out) if out.success() => out,
        Ran::Finished(out) => bail!(
            "the Docker Compose plugin is not installed (`docker compose version`: {}); {hint} or {USE_EMBEDDED}",
            out.first_line()
        ),
        Ran::Missing => bail!("docker is not installed; install Docker Engine or {USE_EMBEDDED}"),
        Ran::TimedOut => {
            bail!("`docker compose version` did not answer within {QUERY_TIMEOUT:?}; {hint} or {USE_EMBEDDED}")
        }
    };
    let version = out.stdout.trim().trim_start_matches('v').to_string();
    match version.split('.').next().and_then(|major| major.parse::<u32>().ok()) {
        Some(major) if major >= 2 => Ok(()),
        _ => bail!(
            "Docker Compose {version:?} is too old or unrecognised (v2 or later is needed); {hint} or {USE_EMBEDDED}"
        ),
    }
}

fn require_daemon(sh: &Shell, timeout: Duration) -> Result<()> {
    match daemon_state(sh, timeout) {
        Ok(_) => Ok(()),
        Err(why) => bail!(
            "the Docker daemon is not running ({why}); start it (`sudo systemctl start docker`) or {USE_EMBEDDED}"
        ),
    }
}

/// Asks the daemon for its version; `Err` says in words why it did not answer.
fn daemon_state(sh: &Shell, timeout: Duration) -> Result<String, String> {
    match run_bounded(daemon_info(sh), timeout) {
        Ok(Ran::Finished(out)) if out.success() && !out.stdout.trim().is_empty() => Ok(out.stdout.trim().to_string()),
        Ok(Ran::Finished(out)) => Err(format!("`docker info`: {}", out.first_line())),
        Ok(Ran::Missing) => Err("docker is not installed".into()),
        Ok(Ran::TimedOut) => Err(format!("`docker info` did not answer within {timeout:?}")),
        Err(err) => Err(format!("`docker info` could not run: {err}")),
    }
}

/// For `auto`: the daemon's version when it answers within `timeout`, else why not.
pub fn daemon_answers(timeout: Duration) -> Result<String, String> {
    let sh = shell().map_err(|err| format!("{err:#}"))?;
    daemon_state(&sh, timeout).map_err(|why| format!("no Docker daemon answered ({why})"))
}

/// Where a visible command's standard output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stdout {
    /// To our stderr, keeping our stdout for the access table or JSON.
    ToStderr,
    /// To our stdout (what the user asked to see, such as logs).
    Inherit,
}

/// Runs a compose command with its output shown to the user; fails naming the command.
pub fn run_visible(cmd: Cmd<'_>, stdout: Stdout) -> Result<()> {
    let shown = cmd.to_string();
    let mut command = std::process::Command::from(cmd);
    if stdout == Stdout::ToStderr {
        command.stdout(std::io::stderr());
    }
    let status = command.status().with_context(|| format!("run `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Every compose command is planned with the project name and the compose file, exactly.
    #[test]
    fn compose_commands_are_exact() {
        let sh = Shell::new().unwrap();
        let base = "docker compose --project-name observability -f ops/observability/docker-compose.yml";
        assert_eq!(compose_up(&sh).to_string(), format!("{base} up -d"));
        assert_eq!(compose_down(&sh, false).to_string(), format!("{base} down --remove-orphans"));
        assert_eq!(compose_down(&sh, true).to_string(), format!("{base} down --remove-orphans --volumes"));
        assert_eq!(compose_ps(&sh).to_string(), format!("{base} ps --all --format json"));
        assert_eq!(compose_logs(&sh, Some("loki"), false, Some(20)).to_string(), format!("{base} logs --tail 20 loki"));
        assert_eq!(compose_logs(&sh, None, true, None).to_string(), format!("{base} logs -f"));
        assert_eq!(daemon_info(&sh).to_string(), "docker info --format {{.ServerVersion}}");
    }
}
