//! Serves one listener the way a server facing hostile clients must: a cap on open
//! connections (over it, a short 503 and close), a deadline for request headers that also
//! closes idle keep-alive connections, HTTP/2 keep-alive pings that drop dead peers, and a
//! graceful drain when the server stops. `axum::serve` has none of these timers.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

/// Limits on one listener's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// Connections open at once; one more gets a 503 and is closed.
    pub max_connections: usize,
    /// Time to send a request's headers, and the longest a keep-alive connection may idle.
    pub header_timeout: Duration,
    /// Longest pause while a request body is sent (see `tower_http`'s body timeout).
    pub body_timeout: Duration,
}

impl ConnLimits {
    /// Default header and idle timeout.
    pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default body timeout.
    pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
}

/// The answer to a connection over the cap, written before closing it.
const OVER_CAP: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\nretry-after: 1\r\n\
connection: close\r\ncontent-length: 72\r\n\r\ntoo many open connections to this port; close idle ones and retry later\n";

/// Accepts and serves connections until `stop` turns true, then waits for open ones to finish.
pub async fn serve(listener: TcpListener, app: axum::Router, limits: ConnLimits, mut stop: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let builder = builder(limits);
    let stopped = async move {
        let _ = stop.wait_for(|stopped| *stopped).await;
    };
    tokio::pin!(stopped);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    accept_failed(&err).await;
                    continue;
                }
            },
            () = &mut stopped => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let (app, builder, watcher) = (app.clone(), builder.clone(), graceful.watcher());
        tokio::spawn(async move {
            let _slot = slot;
            if !first_byte_within(&stream, limits.header_timeout).await {
                return;
            }
            let _ = stream.set_nodelay(true);
            let service = TowerToHyperService::new(app);
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            let _ = watcher.watch(connection.into_owned()).await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Whether the client sends its first byte within `timeout`. hyper's header timer starts only
/// once it knows the protocol, so a connection that never speaks would otherwise stay forever.
async fn first_byte_within(stream: &TcpStream, timeout: Duration) -> bool {
    let mut byte = [0u8; 1];
    matches!(tokio::time::timeout(timeout, stream.peek(&mut byte)).await, Ok(Ok(n)) if n > 0)
}

/// HTTP/1 and HTTP/2 with every timer set.
fn builder(limits: ConnLimits) -> Builder<TokioExecutor> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)))
        .keep_alive_timeout(Duration::from_secs(20))
        .max_concurrent_streams(256);
    builder
}

/// Answers a connection over the cap with a 503 and closes it, within a second.
async fn refuse(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(OVER_CAP)).await;
}

/// An accept error (most often out of file descriptors): log it and back off briefly, so the
/// loop does not spin while connections close and free descriptors.
async fn accept_failed(err: &std::io::Error) {
    tracing::warn!("accepting a connection failed: {err}; backing off 50 ms");
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The over-cap answer's `content-length` is the length of its body.
    #[test]
    fn over_cap_answer_is_well_formed() {
        let text = String::from_utf8_lossy(OVER_CAP);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or_default();
        assert!(head.contains(&format!("content-length: {}", body.len())), "{head}");
    }
}
