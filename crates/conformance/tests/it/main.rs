//! Integration tests of the conformance harness: the whole PromQL suite against real Prometheus
//! and a real obs-embedded, held to the committed known-failures file.

mod promql;
