//! `init_otel` itself: once per process, and `None` costs nothing.

use crate::{Exporter, ObsConfig, init_otel};

/// Exporter `None` installs nothing and reports nothing; a second `init_otel` is a clear error.
#[test]
fn second_init_is_an_error() {
    let mut first = init_otel(ObsConfig::builder().service_name("once").exporter(Exporter::None)).unwrap();
    assert_eq!(first.settings().exporter, Exporter::None);
    let err = init_otel(ObsConfig::builder().service_name("twice").exporter(Exporter::None)).unwrap_err();
    assert!(err.to_string().contains("init_otel was already called in this process"), "{err}");
    assert!(first.shutdown().unwrap().is_clean());
    assert!(first.settings().endpoints.is_empty());
}
