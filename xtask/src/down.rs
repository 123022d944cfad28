//! `cargo xtask obs-down`: stop whatever `obs-up` started. Idempotent: with nothing running it
//! succeeds and says so; a stale pid file is recognised and removed.

use std::time::Duration;

use anyhow::{Context, Result};
use obs_stack::COMPOSE_PROJECT;

use crate::backend::embedded::{self, Stopped};
use crate::backend::state::Files;
use crate::backend::{self, Choice, docker};

/// Arguments of `obs-down`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also remove the docker stack's volumes (its stored traces, logs and metrics)
    #[arg(long)]
    volumes: bool,
    /// Which backend to stop; without it, whatever is running (embedded, and docker if a daemon answers)
    #[arg(long, value_enum)]
    backend: Option<Choice>,
    /// Seconds to wait after SIGTERM before the embedded server is killed
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    timeout: u64,
}

impl Args {
    /// Runs the command.
    pub fn run(self) -> Result<()> {
        match self.backend {
            Some(Choice::Docker) => match docker::daemon_answers(backend::DAEMON_PROBE_TIMEOUT) {
                Ok(_) => self.down_docker(),
                Err(why) => {
                    eprintln!("no compose stack can be running ({why}); nothing to stop");
                    Ok(())
                }
            },
            Some(Choice::Embedded) => self.down_embedded(),
            Some(Choice::Auto) | None => {
                self.down_embedded()?;
                match docker::daemon_answers(backend::DAEMON_PROBE_TIMEOUT) {
                    Ok(_) => self.down_docker(),
                    Err(_) => Ok(()),
                }
            }
        }
    }

    fn down_embedded(&self) -> Result<()> {
        let files = Files::current();
        let outcome = embedded::stop(&files, Duration::from_secs(self.timeout)).context("stop obs-embedded")?;
        match &outcome {
            Stopped::NothingRunning => eprintln!("obs-embedded is not running; nothing to stop"),
            Stopped::Stale(why) => eprintln!("obs-embedded is not running ({why}); removed its stale pid file"),
            Stopped::Exited { pid, forced: false } => eprintln!("stopped obs-embedded (pid {pid})"),
            Stopped::Exited { pid, forced: true } => {
                eprintln!(
                    "stopped obs-embedded (pid {pid}) with SIGKILL: it did not exit within {}s of SIGTERM",
                    self.timeout
                )
            }
        }
        if self.volumes && !matches!(outcome, Stopped::NothingRunning) {
            eprintln!("the embedded backend keeps its data in memory: nothing more to wipe");
        }
        Ok(())
    }

    fn down_docker(&self) -> Result<()> {
        let sh = docker::shell()?;
        docker::require(&sh)?;
        docker::run_visible(docker::compose_down(&sh, self.volumes), docker::Stdout::ToStderr)
            .with_context(|| format!("stop compose project \"{COMPOSE_PROJECT}\""))?;
        let wiped = if self.volumes { " and removed its volumes" } else { "" };
        eprintln!("stopped compose project \"{COMPOSE_PROJECT}\"{wiped}");
        Ok(())
    }
}
