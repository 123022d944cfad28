//! Integration tests: the Prometheus API and the exposition served on real loopback sockets,
//! queried over HTTP, and scraped by Debian's real `prometheus`.
#![allow(clippy::unwrap_used)]

mod abuse;
mod api;
mod exposition;
mod otlp;
mod prometheus;
mod server;
