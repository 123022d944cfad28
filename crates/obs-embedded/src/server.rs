//! Binds every listener, serves them all until SIGTERM or SIGINT, then stops gracefully:
//! ingest refuses with 503 / UNAVAILABLE, listeners stop accepting, in-flight requests drain.

use std::time::Duration;

use anyhow::{Context, Result};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::Config;
use crate::listeners::{Bound, bind_all};
use crate::routes;
use crate::state::{AppState, SharedState};

/// How long in-flight requests may take to finish once shutdown begins.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the server until a stop signal; `Ok` after a graceful stop.
pub async fn run(config: Config) -> Result<()> {
    let bound = bind_all(&config.endpoints).await?;
    let state = AppState::new(config);
    let _ = state.listen.set(bound.iter().map(|b| (b.port.key, b.addr)).collect());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut servers = JoinSet::new();
    for b in bound {
        servers.spawn(serve(&state, b, stop_rx.clone()));
    }
    tracing::info!(
        "obs-embedded {} ready in {:?}: {}",
        env!("CARGO_PKG_VERSION"),
        state.started.elapsed(),
        listen_summary(&state)
    );
    let signal = stop_signal().await?;
    tracing::info!("{signal} received: refusing new data and draining requests");
    state.begin_shutdown();
    let _ = stop_tx.send(true);
    drain(servers).await
}

/// Serves one listener with its router until `stop` turns true, then drains it.
fn serve(
    state: &SharedState,
    bound: Bound,
    stop: watch::Receiver<bool>,
) -> impl Future<Output = Result<()>> + Send + 'static {
    let Bound { port, listener, addr } = bound;
    let app = routes::for_port(state, port.key);
    let limits = state.config.conn;
    async move {
        tracing::debug!("serving {} on {addr}", port.label);
        crate::accept::serve(listener, app, limits, stop).await;
        Ok(())
    }
}

/// Waits for every server to finish, up to [`DRAIN_TIMEOUT`].
async fn drain(mut servers: JoinSet<Result<()>>) -> Result<()> {
    let all = async {
        while let Some(joined) = servers.join_next().await {
            joined.context("join a listener task")??;
        }
        Ok::<(), anyhow::Error>(())
    };
    match tokio::time::timeout(DRAIN_TIMEOUT, all).await {
        Ok(result) => result.map(|()| tracing::info!("stopped")),
        Err(_) => {
            tracing::warn!("requests still running after {DRAIN_TIMEOUT:?}; stopping anyway");
            Ok(())
        }
    }
}

/// `key=addr` for every listener, for the ready line.
fn listen_summary(state: &AppState) -> String {
    let listen = state.listen.get().map(Vec::as_slice).unwrap_or_default();
    listen.iter().map(|(key, addr)| format!("{key}={addr}")).collect::<Vec<_>>().join(" ")
}

/// Resolves with the name of the first SIGTERM or SIGINT.
async fn stop_signal() -> Result<&'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("listen for SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("listen for SIGINT")?;
    Ok(tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    })
}
