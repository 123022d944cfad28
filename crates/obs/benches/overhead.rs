//! What telemetry costs application code, as ratios within one run: a lake operation on the bare
//! in-memory store vs the instrumented store (telemetry off, and exporting over OTLP/gRPC to a
//! live embedded backend), and a `tracing` span plus event with exporter `None` vs OTLP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use obs::lake::LakeMetrics;
use obs::{Exporter, InstrumentedStore, ObsConfig, Pipeline, Protocol};
use test_support::embedded::EmbeddedServer;

struct Setup {
    _server: EmbeddedServer,
    off: Pipeline,
    otlp: Pipeline,
    runtime: tokio::runtime::Runtime,
}

fn setup() -> Setup {
    let server = EmbeddedServer::start(&[]).unwrap();
    // The console layer is off: the bench measures the export path, not printing on stderr.
    let config = |exporter| ObsConfig::builder().service_name("obs_bench").exporter(exporter).console_logs(false);
    let off = obs::pipeline(config(Exporter::None)).unwrap();
    let endpoint = server.url(obs_stack::ports::OTLP_GRPC);
    let otlp = obs::pipeline(config(Exporter::Otlp(Protocol::Grpc)).endpoint(endpoint)).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    Setup { _server: server, off, otlp, runtime }
}

fn filled<S: ObjectStore>(setup: &Setup, store: S) -> S {
    setup.runtime.block_on(store.put(&Path::from("bars/BTC.csv"), vec![7u8; 1024].into())).unwrap();
    store
}

fn lake_ops(c: &mut Criterion, setup: &Setup) {
    let path = Path::from("bars/BTC.csv");
    let bare = filled(setup, InMemory::new());
    let metered = |p: &Pipeline| LakeMetrics::new(&p.guard.meter("obs.lake"));
    let off = filled(setup, InstrumentedStore::new(InMemory::new(), metered(&setup.off)));
    let otlp = filled(setup, InstrumentedStore::new(InMemory::new(), metered(&setup.otlp)));
    let mut group = c.benchmark_group("lake_get_1KiB");
    group.bench_function("bare", |b| {
        b.iter(|| setup.runtime.block_on(async { black_box(bare.get(&path).await.unwrap().bytes().await.unwrap()) }))
    });
    tracing::dispatcher::with_default(&setup.off.dispatch, || {
        group.bench_function("instrumented_off", |b| {
            b.iter(|| setup.runtime.block_on(async { black_box(off.get(&path).await.unwrap().bytes().await.unwrap()) }))
        });
    });
    tracing::dispatcher::with_default(&setup.otlp.dispatch, || {
        group.bench_function("instrumented_otlp", |b| {
            b.iter(|| {
                setup.runtime.block_on(async { black_box(otlp.get(&path).await.unwrap().bytes().await.unwrap()) })
            })
        });
    });
    group.finish();
    let mut group = c.benchmark_group("lake_head");
    group.bench_function("bare", |b| b.iter(|| setup.runtime.block_on(async { black_box(bare.head(&path).await) })));
    tracing::dispatcher::with_default(&setup.otlp.dispatch, || {
        group.bench_function("instrumented_otlp", |b| {
            b.iter(|| setup.runtime.block_on(async { black_box(otlp.head(&path).await) }))
        });
    });
    group.finish();
}

fn span_and_event() {
    let span = tracing::info_span!("work", step = 1_i64);
    let _entered = span.enter();
    tracing::info!(decision = "hold", "decided");
}

fn spans(c: &mut Criterion, setup: &Setup) {
    let mut group = c.benchmark_group("span_plus_event");
    tracing::dispatcher::with_default(&setup.off.dispatch, || {
        group.bench_function("exporter_none", |b| b.iter(span_and_event));
    });
    tracing::dispatcher::with_default(&setup.otlp.dispatch, || {
        group.bench_function("otlp_live", |b| b.iter(span_and_event));
    });
    group.finish();
}

/// Touches every callsite under the OTLP dispatcher first: tracing caches a callsite's interest when
/// it is first hit, and a first hit under the `None` dispatcher would disable it for good.
fn prime(setup: &Setup) {
    let store = InstrumentedStore::new(InMemory::new(), LakeMetrics::new(&setup.otlp.guard.meter("obs.lake")));
    let path = Path::from("prime");
    tracing::dispatcher::with_default(&setup.otlp.dispatch, || {
        setup.runtime.block_on(async {
            store.put(&path, vec![1u8; 8].into()).await.unwrap();
            store.get(&path).await.unwrap().bytes().await.unwrap();
            store.head(&path).await.unwrap();
        });
        span_and_event();
    });
}

fn all(c: &mut Criterion) {
    let mut setup = setup();
    prime(&setup);
    lake_ops(c, &setup);
    spans(c, &setup);
    let report = setup.otlp.guard.shutdown();
    eprintln!("OTLP pipeline during the benchmark: {report:?}");
    let _ = setup.off.guard.shutdown();
}

criterion_group!(benches, all);
criterion_main!(benches);
