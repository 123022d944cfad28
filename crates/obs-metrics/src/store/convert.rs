//! OTLP metrics to Prometheus samples: resource, scope and point attributes become labels
//! (`job`, `instance`, resource attributes as labels as with `resource_to_telemetry_conversion`),
//! and each gauge, sum, histogram and summary point becomes one or more samples.

use std::collections::BTreeMap;
use std::sync::Arc;

use obs_contract::ItemLimits;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::metrics::v1::{
    HistogramDataPoint, Metric, NumberDataPoint, SummaryDataPoint, metric::Data, number_data_point,
};

use super::series::Labels;
use super::trim::Trim;
use crate::format::go_g;
use crate::naming::{Shape, label_name, label_value, metric_name};

/// Prometheus metric type of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Monotonic sum.
    Counter,
    /// Gauge or non-monotonic sum.
    Gauge,
    /// Explicit-bucket histogram.
    Histogram,
    /// Summary.
    Summary,
}

impl Kind {
    /// The `# TYPE` word.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
            Kind::Summary => "summary",
        }
    }
}

/// Metadata of one metric family.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// Its type.
    pub kind: Kind,
    /// `# HELP` text (the OTLP description).
    pub help: String,
    /// The OTLP unit.
    pub unit: String,
}

impl Family {
    /// Metadata for a family whose request carried none.
    pub fn untyped() -> Self {
        Self { kind: Kind::Gauge, help: String::new(), unit: String::new() }
    }
}

/// One sample to store.
#[derive(Debug, Clone)]
pub struct Point {
    /// Labels, `__name__` included, sorted.
    pub labels: Labels,
    /// Family name.
    pub family: Arc<str>,
    /// Unix ms.
    pub ts: i64,
    /// Value (a delta when `delta`).
    pub value: f64,
    /// Delta temporality: add to the previous value.
    pub delta: bool,
}

/// A converted export request.
#[derive(Debug, Default)]
pub struct Converted {
    /// Samples to store.
    pub points: Vec<Point>,
    /// Families seen, with their metadata.
    pub families: Vec<(Arc<str>, Family)>,
    /// OTLP data points accepted.
    pub accepted: u64,
    /// OTLP data points rejected.
    pub rejected: u64,
    /// Why, one entry per kind of problem.
    pub messages: Vec<String>,
}

const DELTA: i32 = 1;
const NO_RECORDED_VALUE: u32 = 1;

/// Converts a whole request; `now_ms` stamps points without a timestamp, and `items` bounds
/// each point (attributes, lengths, histogram bounds, how far ahead of `now_ms`).
pub fn convert(req: ExportMetricsServiceRequest, now_ms: i64, items: &ItemLimits) -> Converted {
    let mut out = Converted::default();
    let mut trim = Trim::new(items);
    for rm in req.resource_metrics {
        let attrs = rm.resource.map(|r| r.attributes).unwrap_or_default();
        let mut base = trim.labels(&attrs);
        let get = |k: &str| attrs.iter().find(|kv| kv.key == k).map(|kv| label_value(kv.value.as_ref()));
        if let Some(name) = get("service.name") {
            let job = match get("service.namespace") {
                Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
                _ => name,
            };
            base.insert("job".into(), job);
        }
        if let Some(instance) = get("service.instance.id") {
            base.insert("instance".into(), instance);
        }
        for sm in rm.scope_metrics {
            let mut scoped = base.clone();
            if let Some(scope) = &sm.scope {
                scoped.insert("otel_scope_name".into(), scope.name.clone());
                scoped.insert("otel_scope_version".into(), scope.version.clone());
            }
            for metric in sm.metrics {
                convert_metric(metric, &scoped, now_ms, &mut trim, &mut out);
            }
        }
    }
    trim.report(&mut out.messages);
    out
}

/// Attribute list to labels; keys that sanitise to the same name join their values with `;`.
pub(super) fn attributes_to_labels(attrs: &[KeyValue]) -> BTreeMap<String, String> {
    let mut sorted: Vec<&KeyValue> = attrs.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for kv in sorted {
        let name = label_name(&kv.key);
        if name.chars().all(|c| c == '_') {
            continue;
        }
        let value = label_value(kv.value.as_ref());
        out.entry(name).and_modify(|v| *v = format!("{v};{value}")).or_insert(value);
    }
    out
}

struct Ctx<'a, 't> {
    base: &'a BTreeMap<String, String>,
    family: Arc<str>,
    now_ms: i64,
    trim: std::cell::RefCell<&'a mut Trim<'t>>,
}

impl Ctx<'_, '_> {
    fn labels(&self, attrs: &[KeyValue], name: &str, extra: Option<(&str, String)>) -> Labels {
        let mut map = self.base.clone();
        map.extend(self.trim.borrow_mut().labels(attrs));
        if let Some((k, v)) = extra {
            map.insert(k.into(), v);
        }
        map.insert("__name__".into(), name.into());
        map.into_iter().filter(|(_, v)| !v.is_empty()).collect()
    }

    fn ts(&self, nanos: u64) -> i64 {
        if nanos == 0 { self.now_ms } else { (nanos / 1_000_000) as i64 }
    }

    /// `Err` with the reason when a point stamped `ts` ms is further ahead of the server's clock
    /// than the creation grace allows: it would hide every later point of its series.
    fn too_far_ahead(&self, name: &str, ts: i64) -> Option<String> {
        let grace = self.trim.borrow().items.creation_grace;
        let grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
        (ts > self.now_ms.saturating_add(grace_ms)).then(|| {
            format!(
                "metric {name:?}: points more than {}s ahead of the server's clock are refused (creation grace); \
                 check the sender's clock",
                grace.as_secs()
            )
        })
    }

    fn point(&self, labels: Labels, ts: i64, value: f64, delta: bool) -> Point {
        Point { labels, family: self.family.clone(), ts, value, delta }
    }
}

fn convert_metric(
    metric: Metric,
    base: &BTreeMap<String, String>,
    now_ms: i64,
    trim: &mut Trim<'_>,
    out: &mut Converted,
) {
    let Some(data) = metric.data else { return };
    let (shape, kind) = match &data {
        Data::Gauge(_) => (Shape::Gauge, Kind::Gauge),
        Data::Sum(s) if s.is_monotonic => (Shape::Counter, Kind::Counter),
        Data::Sum(_) => (Shape::Other, Kind::Gauge),
        Data::Histogram(_) => (Shape::Other, Kind::Histogram),
        Data::Summary(_) => (Shape::Other, Kind::Summary),
        Data::ExponentialHistogram(h) => {
            out.rejected += h.data_points.len() as u64;
            out.messages.push(format!(
                "exponential histogram {:?} is not supported by the embedded backend ({} data points rejected); \
                 use explicit-bucket histograms",
                metric.name,
                h.data_points.len()
            ));
            return;
        }
    };
    let name = metric_name(&metric.name, &metric.unit, shape);
    if name.chars().all(|c| c == '_') {
        let points = data_points(&data);
        out.rejected += points;
        out.messages.push(format!(
            "metric name {:?} has no valid Prometheus name characters ({points} data points rejected)",
            metric.name
        ));
        return;
    }
    let family: Arc<str> = Arc::from(name.as_str());
    out.families.push((family.clone(), Family { kind, help: metric.description, unit: metric.unit }));
    let ctx = Ctx { base, family, now_ms, trim: std::cell::RefCell::new(trim) };
    match data {
        Data::Gauge(g) => numbers(&ctx, &name, g.data_points, false, out),
        Data::Sum(s) => numbers(&ctx, &name, s.data_points, s.aggregation_temporality == DELTA, out),
        Data::Histogram(h) => {
            for dp in h.data_points {
                histogram(&ctx, &name, dp, h.aggregation_temporality == DELTA, out);
            }
        }
        Data::Summary(s) => {
            for dp in s.data_points {
                summary(&ctx, &name, dp, out);
            }
        }
        Data::ExponentialHistogram(_) => {}
    }
}

fn data_points(data: &Data) -> u64 {
    (match data {
        Data::Gauge(g) => g.data_points.len(),
        Data::Sum(s) => s.data_points.len(),
        Data::Histogram(h) => h.data_points.len(),
        Data::Summary(s) => s.data_points.len(),
        Data::ExponentialHistogram(h) => h.data_points.len(),
    }) as u64
}

/// Counts a point rejected for `reason` (each reason reported once).
fn reject(out: &mut Converted, reason: String) {
    out.rejected += 1;
    if !out.messages.contains(&reason) {
        out.messages.push(reason);
    }
}

fn numbers(ctx: &Ctx<'_, '_>, name: &str, points: Vec<NumberDataPoint>, delta: bool, out: &mut Converted) {
    for dp in points {
        if let Some(reason) = ctx.too_far_ahead(name, ctx.ts(dp.time_unix_nano)) {
            reject(out, reason);
            continue;
        }
        out.accepted += 1;
        if dp.flags & NO_RECORDED_VALUE != 0 {
            continue;
        }
        let value = match dp.value {
            Some(number_data_point::Value::AsDouble(d)) => d,
            Some(number_data_point::Value::AsInt(i)) => i as f64,
            None => 0.0,
        };
        out.points.push(ctx.point(ctx.labels(&dp.attributes, name, None), ctx.ts(dp.time_unix_nano), value, delta));
    }
}

fn histogram(ctx: &Ctx<'_, '_>, name: &str, dp: HistogramDataPoint, delta: bool, out: &mut Converted) {
    let max_bounds = ctx.trim.borrow().items.max_histogram_bounds;
    if dp.explicit_bounds.len() > max_bounds {
        let reason = format!(
            "histogram {name:?}: points with more than {max_bounds} explicit bounds are refused (each bound is a \
             series); use fewer buckets"
        );
        return reject(out, reason);
    }
    if let Some(reason) = ctx.too_far_ahead(name, ctx.ts(dp.time_unix_nano)) {
        return reject(out, reason);
    }
    if !dp.bucket_counts.is_empty() && dp.bucket_counts.len() != dp.explicit_bounds.len() + 1 {
        out.rejected += 1;
        out.messages.push(format!(
            "histogram {name:?}: {} bucket counts for {} explicit bounds (expected one more count than bounds)",
            dp.bucket_counts.len(),
            dp.explicit_bounds.len()
        ));
        return;
    }
    out.accepted += 1;
    if dp.flags & NO_RECORDED_VALUE != 0 {
        return;
    }
    let ts = ctx.ts(dp.time_unix_nano);
    let mut cumulative = 0u64;
    for (bound, count) in dp.explicit_bounds.iter().zip(&dp.bucket_counts) {
        cumulative += count;
        let labels = ctx.labels(&dp.attributes, &format!("{name}_bucket"), Some(("le", go_g(*bound))));
        out.points.push(ctx.point(labels, ts, cumulative as f64, delta));
    }
    let labels = ctx.labels(&dp.attributes, &format!("{name}_bucket"), Some(("le", "+Inf".into())));
    out.points.push(ctx.point(labels, ts, dp.count as f64, delta));
    if let Some(sum) = dp.sum {
        out.points.push(ctx.point(ctx.labels(&dp.attributes, &format!("{name}_sum"), None), ts, sum, delta));
    }
    out.points.push(ctx.point(ctx.labels(&dp.attributes, &format!("{name}_count"), None), ts, dp.count as f64, delta));
}

fn summary(ctx: &Ctx<'_, '_>, name: &str, dp: SummaryDataPoint, out: &mut Converted) {
    if let Some(reason) = ctx.too_far_ahead(name, ctx.ts(dp.time_unix_nano)) {
        return reject(out, reason);
    }
    out.accepted += 1;
    if dp.flags & NO_RECORDED_VALUE != 0 {
        return;
    }
    let ts = ctx.ts(dp.time_unix_nano);
    for q in &dp.quantile_values {
        let labels = ctx.labels(&dp.attributes, name, Some(("quantile", go_g(q.quantile))));
        out.points.push(ctx.point(labels, ts, q.value, false));
    }
    out.points.push(ctx.point(ctx.labels(&dp.attributes, &format!("{name}_sum"), None), ts, dp.sum, false));
    out.points.push(ctx.point(ctx.labels(&dp.attributes, &format!("{name}_count"), None), ts, dp.count as f64, false));
}
