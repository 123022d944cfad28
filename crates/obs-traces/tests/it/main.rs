//! Integration tests: the Tempo API served on a real loopback socket, queried over HTTP, and
//! compared with real Tempo 2.7.2 answers (tests/fixtures).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failed unwrap is a failed test

mod api_errors;
mod caps;
mod fixtures;
mod hardening;
mod props;
mod support;
