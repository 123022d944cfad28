//! Conformance of obs-embedded's query APIs against the real backends, on the upstream projects'
//! own suites. PromQL: prometheus/compliance's query list, expanded, on a demo-service-shaped data
//! set held by real Prometheus (backfilled with promtool) and by obs-embedded (pushed over OTLP).

pub mod api;
pub mod compare;
pub mod data;
pub mod demo;
pub mod openmetrics;
pub mod otlp;
pub mod prometheus;
pub mod report;
pub mod rng;
pub mod run;
pub mod suite;
pub mod verify;
pub mod wait;
