//! One full PromQL conformance run: the data set into real Prometheus and a fresh obs-embedded,
//! proof that both hold it, then every expanded suite query as a range query against both.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use test_support::embedded::EmbeddedServer;

use crate::api::Client;
use crate::compare::{Verdict, judge};
use crate::data::{QUERY_END_MS, QUERY_START_MS, QUERY_STEP_MS};
use crate::prometheus::Prometheus;
use crate::suite::Case;
use crate::{data, openmetrics, otlp, suite, verify};

/// obs-embedded keeps samples this long (the data set spans 90 minutes; the default is 1 h).
const HISTORY_SECS: &str = "86400";
/// Queries in flight at once.
const WORKERS: usize = 4;

/// The verdict on one expanded query.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The query.
    pub case: Case,
    /// Its verdict.
    pub verdict: Verdict,
}

/// Starts both backends, loads the data, checks it, and runs the whole suite.
pub fn promql() -> Result<Vec<Outcome>> {
    let started = Instant::now();
    let step = |what: &str| eprintln!("conformance: {what} ({:.1?})", started.elapsed());
    let families = data::demo();
    let prometheus = Prometheus::start(&openmetrics::render(&families)).context("start the reference Prometheus")?;
    step("Prometheus ready with the backfilled data");
    let embedded = EmbeddedServer::start(&["--metrics-history", HISTORY_SECS]).context("start obs-embedded")?;
    otlp::push_all(&embedded.url(obs_stack::ports::OTLP_HTTP), &otlp::requests(&families))
        .context("push the data set to obs-embedded over OTLP/HTTP")?;
    step("obs-embedded loaded over OTLP");
    let reference = Client::new(&prometheus.url);
    let test = Client::new(&embedded.url(obs_stack::ports::PROMETHEUS));
    verify::same_data(&reference, &test)?;
    step("both hold the same series and samples");
    let cases = suite::expanded()?;
    let outcomes = run_all(&reference, &test, &cases);
    step(&format!("{} queries compared", cases.len()));
    Ok(outcomes)
}

/// Runs `cases` on both sides with a few workers, keeping the suite's order.
pub fn run_all(reference: &Client, test: &Client, cases: &[Case]) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::with_capacity(cases.len()));
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| {
                while let Some(case) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = one(reference, test, case);
                    if let Ok(mut done) = done.lock() {
                        done.push((outcome.0, outcome.1));
                    }
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, o)| o).collect()
}

fn one(reference: &Client, test: &Client, case: &Case) -> (usize, Outcome) {
    let ask = |client: &Client| {
        client
            .range(&case.query, QUERY_START_MS, QUERY_END_MS, QUERY_STEP_MS)
            .unwrap_or_else(|e| Err(format!("no answer: {e:#}")))
    };
    let (r, t) = (ask(reference), ask(test));
    let verdict =
        if case.skip_comparison && r.is_ok() && t.is_ok() { Verdict::Pass } else { judge(case.should_fail, &r, &t) };
    (case.index, Outcome { case: case.clone(), verdict })
}
