//! `cargo xtask obs-logs`: show the stack's logs — `docker compose logs` for the docker
//! backend, the server's log file for the embedded one — following them unless `--no-follow`.

use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use obs_stack::PORTS;

use crate::backend::state::{Files, Liveness, liveness};
use crate::backend::{self, Choice, docker};

/// How often a followed log file is checked for new lines.
const FOLLOW_INTERVAL: Duration = Duration::from_millis(250);

/// Arguments of `obs-logs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One compose service (otel-collector, tempo, loki, prometheus, grafana); all when omitted
    service: Option<String>,
    /// Print what is there and exit instead of following
    #[arg(long)]
    no_follow: bool,
    /// Which backend's logs; without it, the embedded server's when it runs, else docker's
    #[arg(long, value_enum)]
    backend: Option<Choice>,
}

impl Args {
    /// Runs the command.
    pub fn run(self) -> Result<()> {
        let files = Files::current();
        let embedded_runs = files.read()?.is_some_and(|s| liveness(&s) == Liveness::Ours);
        match self.backend {
            Some(Choice::Embedded) => self.embedded(&files),
            Some(Choice::Docker) => self.docker(),
            Some(Choice::Auto) | None if embedded_runs => self.embedded(&files),
            Some(Choice::Auto) | None => match docker::daemon_answers(backend::DAEMON_PROBE_TIMEOUT) {
                Ok(_) => self.docker(),
                Err(_) if files.log().exists() => self.embedded(&files),
                Err(why) => bail!(
                    "nothing is running: obs-embedded has no log yet and {why}; start the stack with `cargo xtask obs-up`"
                ),
            },
        }
    }

    /// The named service, checked against the stack's services (the same names on both backends).
    fn check_service(&self) -> Result<()> {
        let mut services: Vec<&str> = Vec::new();
        for port in PORTS {
            if !services.contains(&port.compose_service) {
                services.push(port.compose_service);
            }
        }
        if let Some(service) = &self.service
            && !services.contains(&service.as_str())
        {
            bail!("no service named {service:?}; pick one of {}", services.join(", "));
        }
        Ok(())
    }

    fn docker(&self) -> Result<()> {
        self.check_service()?;
        let sh = docker::shell()?;
        docker::require(&sh)?;
        docker::run_visible(
            docker::compose_logs(&sh, self.service.as_deref(), !self.no_follow, None),
            docker::Stdout::Inherit,
        )
    }

    fn embedded(&self, files: &Files) -> Result<()> {
        self.check_service()?;
        if self.service.is_some() {
            eprintln!("note: obs-embedded writes one log for all its services; showing all of it");
        }
        let path = files.log();
        let mut file =
            std::fs::File::open(&path).with_context(|| format!("open {} (has obs-up run?)", path.display()))?;
        let mut out = std::io::stdout().lock();
        std::io::copy(&mut file, &mut out).with_context(|| format!("read {}", path.display()))?;
        if self.no_follow {
            return Ok(());
        }
        let mut pos = file.stream_position().with_context(|| format!("seek {}", path.display()))?;
        loop {
            std::thread::sleep(FOLLOW_INTERVAL);
            let mut file = std::fs::File::open(&path).with_context(|| format!("reopen {}", path.display()))?;
            let len = file.metadata().map_or(0, |m| m.len());
            pos = pos.min(len);
            file.seek(SeekFrom::Start(pos)).with_context(|| format!("seek {}", path.display()))?;
            let mut fresh = Vec::new();
            file.read_to_end(&mut fresh).with_context(|| format!("read {}", path.display()))?;
            pos += fresh.len() as u64;
            out.write_all(&fresh).and_then(|()| out.flush()).context("write to stdout")?;
            let running = files.read()?.is_some_and(|s| liveness(&s) == Liveness::Ours);
            if !running {
                eprintln!("obs-embedded is not running; stopped following {}", path.display());
                return Ok(());
            }
        }
    }
}
