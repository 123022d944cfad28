//! A small tokio runtime owned by the library. Network exporters run on it, so `init_otel`
//! behaves the same inside and outside the application's own runtime, and shutting it down never
//! blocks an async caller.

use anyhow::{Context, Result};

/// One worker thread named `obs-export`.
#[derive(Debug)]
pub(crate) struct ExportRuntime {
    runtime: Option<tokio::runtime::Runtime>,
}

impl ExportRuntime {
    pub(crate) fn start() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("obs-export")
            .enable_all()
            .build()
            .context("start the telemetry export runtime")?;
        Ok(Self { runtime: Some(runtime) })
    }

    pub(crate) fn handle(&self) -> Option<tokio::runtime::Handle> {
        self.runtime.as_ref().map(|r| r.handle().clone())
    }

    /// Stops the worker without waiting (allowed from async code, unlike dropping a runtime).
    pub(crate) fn stop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Drop for ExportRuntime {
    fn drop(&mut self) {
        self.stop();
    }
}
