//! The benchmark's figures, as JSON for machines and Markdown for the closing note.

use std::fmt::Write;

use crate::compare::IngestRow;
use crate::latency::Latency;
use crate::scale::ScaleReport;

/// Everything one run measured.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    /// Ingest per CPU-second, ours and rotel's.
    pub ingest: Vec<IngestRow>,
    /// Memory and query latency at scale.
    pub scale: Vec<ScaleReport>,
    /// Ack-to-found latency.
    pub freshness: Vec<Latency>,
    /// Spawn to ready.
    pub ready_ms: Option<f64>,
    /// Resident memory when ready and empty.
    pub idle_rss_bytes: Option<u64>,
}

fn latency_rows(out: &mut String, rows: &[Latency]) {
    for l in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} |",
            l.name, l.count, l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms
        );
    }
}

impl Report {
    /// The report as Markdown tables.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        if !self.ingest.is_empty() {
            out.push_str("## Ingest per server CPU-second (median)\n\n| signal | protocol | obs-embedded | rotel (blackhole) | ratio | obs-embedded wall rate |\n|---|---|---|---|---|---|\n");
            for r in &self.ingest {
                let rotel = r.rotel_per_cpu_s.map_or("-".into(), |v| format!("{v:.0}"));
                let ratio = r.ratio.map_or("-".into(), |v| format!("{v:.2}x"));
                let _ = writeln!(
                    out,
                    "| {:?} | {:?} | {:.0} | {rotel} | {ratio} | {:.0}/s |",
                    r.signal, r.protocol, r.embedded_per_cpu_s, r.embedded_per_s
                );
            }
        }
        if let (Some(ready), Some(rss)) = (self.ready_ms, self.idle_rss_bytes) {
            let _ = writeln!(out, "\nSpawn to ready: {ready:.1} ms; idle RSS: {:.1} MB\n", rss as f64 / 1e6);
        }
        for s in &self.scale {
            let store = s.store_bytes_per_item.map_or("-".into(), |v| format!("{v:.0}"));
            let _ = writeln!(
                out,
                "\n## {:?} at {} items\n\nRSS growth per item: {:.0} B; store's own accounting: {store} B per item\n\n| query | n | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|",
                s.signal, s.items, s.rss_bytes_per_item
            );
            latency_rows(&mut out, &s.queries);
        }
        if !self.freshness.is_empty() {
            out.push_str("\n## Acknowledged to found\n\n| what | n | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
            latency_rows(&mut out, &self.freshness);
        }
        out
    }
}
