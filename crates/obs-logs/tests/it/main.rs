//! Integration tests: the Loki-compatible router served on a real loopback socket, fed the
//! captured fixtures, queried over HTTP, and compared with what real Loki answered.

#![allow(clippy::expect_used)] // a test: a failed expect is a failed test

mod caps;
mod errors;
mod fixtures;
mod hardening;
mod limits;
mod queries;
mod server;
mod shapes;
mod volume;
