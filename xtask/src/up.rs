//! `cargo xtask obs-up`: start the stack on the chosen backend (docker compose, or our embedded
//! server as a detached child), wait until every service is ready, print the access table.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use obs_stack::{COMPOSE_PROJECT, Endpoints, env::OBS_BACKEND};

use crate::backend::embedded::{self, planned_binary};
use crate::backend::state::{Files, Liveness, liveness};
use crate::backend::{self, Choice, Kind, OBS_EMBEDDED_BIN, checks, docker, exec};
use crate::ready::{self, Failure};
use crate::{ports, report};

/// How often the docker stack's services are polled while starting.
const DOCKER_INTERVAL: Duration = Duration::from_millis(500);
/// How often the embedded server is polled while starting.
const EMBEDDED_INTERVAL: Duration = Duration::from_millis(20);
/// Log lines shown for a service that did not become ready.
const LOG_LINES: u32 = 20;

/// Arguments of `obs-up`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Backend to start: docker when a daemon answers, else embedded (auto); or name one
    #[arg(long, value_enum, env = OBS_BACKEND, default_value = "auto", ignore_case = true)]
    backend: Choice,
    /// Give up when a service is still not ready after this many seconds
    #[arg(long, default_value_t = 120, value_name = "SECS")]
    timeout: u64,
    /// Print the commands it would run and the endpoints it would wait on; start nothing
    #[arg(long)]
    dry_run: bool,
    /// Print the access table as one JSON object on stdout
    #[arg(long)]
    json: bool,
}

impl Args {
    /// Runs the command.
    pub fn run(self) -> Result<()> {
        let endpoints = backend::endpoints()?;
        if let Some(clash) = ports::duplicates(&endpoints) {
            bail!(clash);
        }
        let (kind, why) = backend::resolve(self.backend);
        eprintln!("backend: {} ({why})", kind.name());
        match (kind, self.dry_run) {
            (_, true) => self.dry_run(kind, &endpoints),
            (Kind::Docker, false) => self.up_docker(&endpoints),
            (Kind::Embedded, false) => self.up_embedded(&endpoints),
        }
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }

    fn dry_run(&self, kind: Kind, endpoints: &Endpoints) -> Result<()> {
        let sh = docker::shell()?;
        match kind {
            Kind::Docker => {
                for cmd in docker::check_commands(&sh) {
                    println!("{cmd}");
                }
                println!("{}", docker::compose_up(&sh));
            }
            Kind::Embedded => {
                let (binary, build) = planned_binary();
                if build {
                    println!("{}", embedded::build_command(&sh));
                } else {
                    println!("# {OBS_EMBEDDED_BIN} names the binary; nothing to build");
                }
                println!("{} (detached, log {})", binary.display(), Files::current().log().display());
            }
        }
        for check in checks(kind, endpoints) {
            println!("# then wait for {} at {}", check.name, check.url);
        }
        Ok(())
    }

    fn up_docker(&self, endpoints: &Endpoints) -> Result<()> {
        let sh = docker::shell()?;
        docker::require(&sh)?;
        let busy: Vec<_> = ports::busy(endpoints)
            .into_iter()
            .filter(|b| !b.holder.as_ref().is_some_and(|(_, cmd)| cmd.contains("docker-proxy")))
            .collect();
        if !busy.is_empty() {
            bail!(ports::busy_message(endpoints, &busy));
        }
        eprintln!("starting compose project \"{COMPOSE_PROJECT}\"");
        docker::run_visible(docker::compose_up(&sh), docker::Stdout::ToStderr)
            .with_context(|| format!("start compose project \"{COMPOSE_PROJECT}\""))?;
        match ready::wait_all(&checks(Kind::Docker, endpoints), self.timeout(), DOCKER_INTERVAL, || Ok(())) {
            Ok(()) => self.print_table(Kind::Docker, endpoints),
            Err(Failure::Died(how)) => bail!("compose project \"{COMPOSE_PROJECT}\" stopped while starting: {how}"),
            Err(Failure::Timeout(missing)) => {
                let logs: Vec<String> = missing.iter().map(|m| docker_log_tail(&sh, m.name)).collect();
                bail!("not ready after {}s: {}\n{}", self.timeout, ready::describe(&missing), logs.join("\n"))
            }
        }
    }

    fn up_embedded(&self, endpoints: &Endpoints) -> Result<()> {
        let files = Files::current();
        if let Some(state) = files.read()? {
            match liveness(&state) {
                Liveness::Ours => return self.already_running(&files, &state),
                Liveness::Gone => eprintln!("removing a stale pid file: pid {} is no longer running", state.pid),
                Liveness::Reused(cmd) => {
                    eprintln!("removing a stale pid file: pid {} now runs another program ({cmd})", state.pid)
                }
            }
            files.clear()?;
        }
        // Build first: a build can take minutes, and the ports must be free when the server binds.
        let binary = embedded::binary()?;
        let busy = ports::busy(endpoints);
        if !busy.is_empty() {
            bail!(ports::busy_message(endpoints, &busy));
        }
        let (mut child, state) = embedded::spawn(&binary, endpoints, &files)?;
        eprintln!("started obs-embedded (pid {}), log {}", state.pid, files.log().display());
        let alive = || match child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!("exited ({status})")),
            Err(err) => Err(format!("could not be checked ({err})")),
        };
        match ready::wait_all(&checks(Kind::Embedded, endpoints), self.timeout(), EMBEDDED_INTERVAL, alive) {
            Ok(()) => self.print_table(Kind::Embedded, endpoints),
            Err(Failure::Died(how)) => {
                files.clear()?;
                bail!(
                    "obs-embedded {how} while starting; last lines of {}:\n{}",
                    files.log().display(),
                    embedded::log_tail(&files, LOG_LINES as usize)
                )
            }
            Err(Failure::Timeout(missing)) => {
                embedded::stop(&files, Duration::from_secs(5)).context("stop obs-embedded after its timeout")?;
                bail!(
                    "obs-embedded was not ready after {}s (stopped it again): {}\nlast lines of {}:\n{}",
                    self.timeout,
                    ready::describe(&missing),
                    files.log().display(),
                    embedded::log_tail(&files, LOG_LINES as usize)
                )
            }
        }
    }

    fn already_running(&self, files: &Files, state: &backend::state::State) -> Result<()> {
        let endpoints = state.endpoints();
        eprintln!("obs-embedded is already running (pid {}), log {}", state.pid, files.log().display());
        let ignored = backend::running::moved_ports(&endpoints);
        if !ignored.is_empty() {
            eprintln!(
                "note: it keeps the ports it started with, so {} is ignored; run `cargo xtask obs-down` first to move it",
                ignored.join(", ")
            );
        }
        match ready::wait_all(&checks(Kind::Embedded, &endpoints), self.timeout(), EMBEDDED_INTERVAL, || Ok(())) {
            Ok(()) => self.print_table(Kind::Embedded, &endpoints),
            Err(Failure::Died(how)) => bail!("obs-embedded {how}"),
            Err(Failure::Timeout(missing)) => bail!(
                "obs-embedded (pid {}) is running but not ready: {}; restart it with `cargo xtask obs-down` then `cargo xtask obs-up`",
                state.pid,
                ready::describe(&missing)
            ),
        }
    }

    fn print_table(&self, kind: Kind, endpoints: &Endpoints) -> Result<()> {
        let rows = report::access_rows(kind, endpoints);
        if self.json {
            let out = serde_json::json!({ "backend": kind, "services": rows });
            println!("{out}");
        } else {
            print!("{}", report::access_table(&rows));
        }
        Ok(())
    }
}

/// The last log lines of one compose service, labelled, or why they could not be read.
fn docker_log_tail(sh: &xshell::Shell, service: &str) -> String {
    let cmd = docker::compose_logs(sh, Some(service), false, Some(LOG_LINES));
    match exec::run_bounded(cmd, Duration::from_secs(10)) {
        Ok(exec::Ran::Finished(out)) => format!("last log lines of {service}:\n{}{}", out.stdout, out.stderr),
        Ok(other) => format!("could not read the logs of {service}: {other:?}"),
        Err(err) => format!("could not read the logs of {service}: {err}"),
    }
}
