//! The `tracing` bridge: spans, parent links, status, log records with trace ids, filtering.

use opentelemetry::logs::{AnyValue, Severity};
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::trace::Status;

use crate::testkit::{Harness, attr};

/// A `tracing` span becomes an OTLP span with its fields as attributes and its parent linked.
#[test]
fn spans_carry_names_attributes_and_parents() {
    let h = Harness::new();
    h.run(|| {
        let outer = tracing::info_span!("backtest", strategy = "sma_cross");
        let _outer = outer.enter();
        tracing::info_span!("step", index = 3_i64).in_scope(|| {});
    });
    let outer = h.span("backtest");
    let step = h.span("step");
    assert_eq!(attr(&outer, "strategy").as_deref(), Some("sma_cross"));
    assert_eq!(attr(&step, "index").as_deref(), Some("3"));
    assert_eq!(step.parent_span_id, outer.span_context.span_id());
    assert_eq!(step.span_context.trace_id(), outer.span_context.trace_id());
}

/// `otel.status_code` / `otel.status_description` set the span's error status.
#[test]
fn error_status_is_recorded() {
    let h = Harness::new();
    h.run(|| {
        let span = tracing::info_span!(
            "load",
            otel.status_code = tracing::field::Empty,
            otel.status_description = tracing::field::Empty
        );
        span.record("otel.status_code", "ERROR");
        span.record("otel.status_description", "bars missing");
    });
    assert_eq!(h.span("load").status, Status::error("bars missing"));
}

/// An event inside a span becomes a log record carrying that span's trace and span ids.
#[test]
fn events_become_log_records_with_trace_ids() {
    let h = Harness::new();
    let (trace_id, span_id) = h.run(|| {
        let span = tracing::info_span!("decide");
        let _entered = span.enter();
        tracing::info!(symbol = "BTC", "buy signal");
        let ids = crate::trace_ids(&span).unwrap();
        (ids.trace_id, ids.span_id)
    });
    let logs = h.emitted_logs();
    let record = &logs.iter().find(|l| l.record.body() == Some(&AnyValue::from("buy signal"))).unwrap().record;
    let context = record.trace_context().unwrap();
    assert_eq!(context.trace_id.to_string(), trace_id);
    assert_eq!(context.span_id.to_string(), span_id);
    assert_eq!(record.severity_number(), Some(Severity::Info));
    assert!(record.attributes_iter().any(|(k, v)| k.as_str() == "symbol" && *v == AnyValue::from("BTC")));
}

/// Events from the exporter's own crates never enter the pipeline; below-level events neither.
#[test]
fn export_crates_and_debug_are_filtered() {
    let h = Harness::new();
    h.run(|| {
        for target in crate::EXPORT_CRATES {
            tracing::event!(target: "probe", tracing::Level::INFO, origin = target, "kept");
        }
        tracing::info!(target: "tonic::transport", "dropped");
        tracing::info!(target: "h2::proto", "dropped");
        tracing::info!(target: "hyper_util::client", "dropped");
        tracing::warn!(target: "opentelemetry_sdk", "dropped");
        tracing::info!(target: "reqwest::connect", "dropped");
        tracing::info!(target: "tower::buffer", "dropped");
        tracing::debug!("dropped");
        tracing::info_span!(target: "tonic::transport", "dropped span").in_scope(|| {});
    });
    let bodies: Vec<_> = h.emitted_logs().iter().filter_map(|l| l.record.body().cloned()).collect();
    assert_eq!(bodies.len(), crate::EXPORT_CRATES.len());
    assert!(bodies.iter().all(|b| *b == AnyValue::from("kept")), "{bodies:?}");
    assert!(h.finished().is_empty());
}

/// Metrics from the provider's meter arrive with name and value.
#[test]
fn counter_values_are_exported() {
    let h = Harness::new();
    let counter = h.providers.meter.meter("test").u64_counter("peak_trade_trades").build();
    counter.add(2, &[opentelemetry::KeyValue::new("side", "buy")]);
    counter.add(1, &[opentelemetry::KeyValue::new("side", "sell")]);
    assert_eq!(h.counter_sum("peak_trade_trades", &[("side", "buy")]), 2);
    assert_eq!(h.counter_sum("peak_trade_trades", &[]), 3);
}

/// The accounting wrapper counts what each exporter accepted.
#[test]
fn accounting_counts_exports() {
    let h = Harness::new();
    h.run(|| {
        tracing::info_span!("a").in_scope(|| tracing::info!("one"));
        tracing::info_span!("b").in_scope(|| {});
    });
    h.flush();
    assert_eq!(h.stats.traces.exported(), 2);
    assert_eq!(h.stats.logs.exported(), 1);
    assert_eq!(h.stats.traces.dropped(), 0);
}

/// An error event marks its span as failed; other events stay log records only (no span events).
#[test]
fn error_events_set_status_and_info_events_stay_logs() {
    let h = Harness::new();
    h.run(|| {
        tracing::info_span!("quiet").in_scope(|| tracing::info!("fine"));
        tracing::info_span!("failing").in_scope(|| tracing::error!("broken feed"));
    });
    let quiet = h.span("quiet");
    assert_eq!(quiet.status, Status::Unset);
    assert!(quiet.events.is_empty(), "{:?}", quiet.events);
    assert!(matches!(h.span("failing").status, Status::Error { .. }));
    assert_eq!(h.emitted_logs().len(), 2);
}

/// Counts every event it sees: the application's own layer in a composed subscriber.
struct CountEvents(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountEvents {
    fn on_event(&self, _event: &tracing::Event<'_>, _ctx: tracing_subscriber::layer::Context<'_, S>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The bridge composes as a `Layer` beside the application's own: its filters are per layer, so
/// the application's layer still sees the debug events the bridge does not export.
#[test]
fn bridge_composes_with_the_apps_own_layer() {
    use tracing_subscriber::layer::SubscriberExt as _;
    let h = Harness::new();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let bridged = crate::telemetry::layers::Bridged { level: tracing::Level::INFO, spans: true, logs: true };
    let composed = tracing_subscriber::registry()
        .with(crate::telemetry::layers::bridge(&h.providers, bridged))
        .with(CountEvents(seen.clone()));
    tracing::subscriber::with_default(composed, || {
        tracing::info_span!("composed").in_scope(|| {
            tracing::info!("exported");
            tracing::debug!("only for the app");
        });
    });
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 2);
    let bodies: Vec<_> = h.emitted_logs().iter().filter_map(|l| l.record.body().cloned()).collect();
    assert_eq!(bodies, [AnyValue::from("exported")]);
    assert_eq!(h.span("composed").name, "composed");
}
