//! An axum router served for real on 127.0.0.1:0 by a background tokio runtime, stopped (and
//! its thread joined) when dropped — what the API crates' tests talk HTTP to.

use std::net::SocketAddr;

use anyhow::{Context, Result};

/// A router being served on a loopback port.
pub struct ServedRouter {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServedRouter {
    /// Binds 127.0.0.1:0 and serves `router` there on a two-worker runtime of its own.
    pub fn start(router: axum::Router) -> Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").context("bind 127.0.0.1:0")?;
        listener.set_nonblocking(true).context("make the listener non-blocking")?;
        let addr = listener.local_addr().context("read the listener's address")?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("start a tokio runtime")?;
        let listener = {
            let _inside = runtime.enter();
            tokio::net::TcpListener::from_std(listener).context("hand the listener to tokio")?
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(err) = runtime.block_on(async { serve.await }) {
                eprintln!("test server on {addr} stopped: {err}");
            }
        });
        Ok(Self { addr, stop: Some(stop), thread: Some(thread) })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for ServedRouter {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
