//! The ports of the stack a command should talk to. When `obs-up` started obs-embedded, its state
//! file records the ports it listens on, and every command uses those (a new shell without the
//! `OBS_*_PORT` variables must not talk to another stack on the default ports). Otherwise the
//! environment's ports apply (the docker stack, or a server started some other way).

use anyhow::Result;
use obs_stack::Endpoints;

use super::state::{Files, Liveness, State, liveness};

/// The endpoints in force and where they came from.
#[derive(Debug, Clone)]
pub struct Target {
    /// The endpoints to talk to.
    pub endpoints: Endpoints,
    /// The live obs-embedded whose state file gave them, if any.
    pub running: Option<State>,
    /// Where its state lives (named in messages).
    pub files: Files,
}

impl Target {
    /// The running stack's endpoints, else the environment's.
    pub fn current() -> Result<Self> {
        let files = Files::current();
        let running = files.read()?.filter(|state| liveness(state) == Liveness::Ours);
        let endpoints = match &running {
            Some(state) => state.endpoints(),
            None => super::endpoints()?,
        };
        Ok(Self { endpoints, running, files })
    }

    /// A note when the environment asks for other ports than the running stack listens on.
    pub fn override_note(&self) -> Option<String> {
        let state = self.running.as_ref()?;
        let moved = moved_ports(&self.endpoints);
        (!moved.is_empty()).then(|| {
            format!(
                "note: using the ports of the running obs-embedded (pid {}) from {}, not {}",
                state.pid,
                self.files.state().display(),
                moved.join(", ")
            )
        })
    }

    /// What to tell a user whose connection to `url` was refused.
    pub fn refused_hint(&self, url: &str) -> String {
        match &self.running {
            Some(state) => format!(
                "nothing answers on {url}, although obs-embedded (pid {}) is recorded in {} as listening there; \
                 check it with `cargo xtask obs-status`",
                state.pid,
                self.files.state().display()
            ),
            None => format!(
                "nothing answers on {url}: no stack started by obs-up is running (no live obs-embedded in {}); \
                 start one with `cargo xtask obs-up`, or set the OBS_*_PORT variables to the ports your stack \
                 listens on",
                self.files.dir.display()
            ),
        }
    }
}

/// `VAR=asked (it listens on N)` for each port variable set to another port than `listening` uses.
pub fn moved_ports(listening: &Endpoints) -> Vec<String> {
    let Ok(asked) = super::endpoints() else { return Vec::new() };
    asked
        .ports
        .iter()
        .filter(|(port, number)| std::env::var_os(port.env).is_some() && listening.port(*port) != *number)
        .map(|(port, number)| format!("{}={number} (it listens on {})", port.env, listening.port(*port)))
        .collect()
}
