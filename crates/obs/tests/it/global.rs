//! The process-wide pipeline as an application sets it up: `init_otel` once (this is the only
//! test in this binary that installs global state), against the live embedded backend.

use std::time::Duration;

use obs::{LakeClient, ObsConfig};
use obs_stack::ports;
use test_support::embedded::EmbeddedServer;
use test_support::query::{get, metric_value, trace};
use tracing::Instrument as _;

/// A lake wrapped *before* `init_otel` still records its metrics (meters resolved lazily); the
/// README's `obs::meter` orders counter arrives; lake spans name their lake; a not-found `head`
/// probe is not an error; metric series carry no per-process labels while traces keep them.
#[test]
fn global_pipeline_end_to_end() {
    let server = EmbeddedServer::start(&[]).unwrap();
    let lake = obs::instrument_lake(LakeClient::open("memory://").unwrap());
    let config = ObsConfig::builder()
        .service_name("obs_global_it")
        .endpoint(server.url(ports::OTLP_HTTP))
        .export_timeout(Duration::from_secs(5));
    let mut guard = obs::init_otel(config).unwrap();
    let orders = obs::meter("backtest").u64_counter("backtest.orders").build();
    let root = tracing::info_span!("global_it");
    let trace_id = obs::trace_ids(&root).unwrap().trace_id;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let found = runtime.block_on(
        async {
            let found = lake.exists("bars/none.csv").await.unwrap();
            lake.write("bars/a.csv", "ts,close\n").await.unwrap();
            found
        }
        .instrument(root),
    );
    assert!(!found);
    orders.add(2, &[obs::KeyValue::new("side", "buy")]);
    let report = guard.shutdown().unwrap();
    assert!(report.is_clean(), "{report:?}");

    let service = "job=\"obs_global_it\"";
    assert_eq!(
        metric_value(&server.endpoints, &format!("backtest_orders_total{{{service},side=\"buy\"}}")).unwrap(),
        "2"
    );
    let put = format!("lake_io_bytes_total{{{service},lake_operation_name=\"put\"}}");
    assert_eq!(metric_value(&server.endpoints, &put).unwrap(), "9");
    let prometheus = server.url(ports::PROMETHEUS);
    let (status, series) = get(&format!("{prometheus}/api/v1/query"), &[("query", &put)]);
    assert_eq!(status, 200, "{series}");
    assert!(series.contains("service_name") && !series.contains("process_pid"), "{series}");
    assert!(!series.contains("process_executable_path"), "{series}");

    let spans = trace(&server.endpoints, "obs_global_it", &trace_id).unwrap();
    assert!(spans.contains("process.pid"), "traces keep the process attributes: {spans}");
    assert!(spans.contains("lake.url") && spans.contains("memory://"), "{spans}");
    assert!(spans.contains("lake.found") && !spans.contains("not_found"), "{spans}");
}
