//! Binds every listener before anything is served, so a taken port fails the start at once
//! with the port, its variable and the address named.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use obs_stack::{Endpoints, Port};
use tokio::net::TcpListener;

/// One bound port.
pub struct Bound {
    /// Which row of the port table it is.
    pub port: Port,
    /// The socket, ready to accept.
    pub listener: TcpListener,
    /// Where it actually listens.
    pub addr: SocketAddr,
}

/// Binds every port of `endpoints`, in table order.
pub async fn bind_all(endpoints: &Endpoints) -> Result<Vec<Bound>> {
    let mut bound = Vec::with_capacity(endpoints.ports.len());
    for (port, number) in &endpoints.ports {
        let listener = bind_one(&endpoints.bind, *port, *number).await?;
        let addr = listener.local_addr().with_context(|| format!("read the address of the {} listener", port.label))?;
        bound.push(Bound { port: *port, listener, addr });
    }
    Ok(bound)
}

async fn bind_one(bind: &str, port: Port, number: u16) -> Result<TcpListener> {
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    TcpListener::bind((host, number)).await.with_context(|| {
        format!(
            "cannot listen for {} on {bind}:{number} (port set by {}); stop whatever holds that port or set {} to a \
             free port",
            port.label, port.env, port.env
        )
    })
}
