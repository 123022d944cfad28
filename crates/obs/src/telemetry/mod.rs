//! The telemetry pipeline behind `init_otel`: exporters, the providers built on them, the
//! `tracing` bridge layers, and the accounting of what failed to leave the process.

pub(crate) mod accounting;
pub(crate) mod console;
pub(crate) mod cutoff;
pub(crate) mod exporters;
pub(crate) mod http_client;
pub(crate) mod layers;
pub(crate) mod processors;
pub(crate) mod providers;
pub(crate) mod runtime;
