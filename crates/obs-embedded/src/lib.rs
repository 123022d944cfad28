//! The embedded backend: one process that takes OTLP in and answers with Tempo-, Loki- and
//! Prometheus-compatible HTTP APIs on the stack's usual ports, for machines without Docker.

pub mod accept;
pub mod cli;
pub mod config;
pub mod fdlimit;
pub mod listeners;
pub mod otlp;
pub mod routes;
pub mod selfmetrics;
pub mod server;
pub mod state;
pub mod status;
