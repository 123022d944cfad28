//! smoke-sender: proves one OTLP endpoint takes all three signals. It sends one span, one log
//! record inside it and one counter through the `obs` library, waits for the flush, and exits
//! non-zero naming the endpoint when anything was not accepted.

mod cli;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use opentelemetry::KeyValue;

use crate::cli::Cli;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("smoke-sender: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let mut guard = obs::init_otel(cli.obs_config()).context("start telemetry")?;
    let endpoint = guard.settings().endpoint(obs::Signal::Traces).to_string();
    let ids = send_signals().with_context(|| format!("send the smoke signals to {endpoint}"))?;
    guard.shutdown().with_context(|| format!("flush the smoke signals to {endpoint} within {:?}", cli.timeout()))?;
    if cli.json {
        println!("{}", serde_json::json!({ "trace_id": ids.trace_id, "span_id": ids.span_id }));
    } else {
        println!(
            "sent span {:?}, one log record and counter {:?} as service {:?} to {endpoint}: trace id {}",
            obs_stack::SMOKE_SPAN_NAME,
            obs_stack::SMOKE_METRIC_NAME,
            guard.settings().service_name,
            ids.trace_id
        );
    }
    Ok(())
}

/// One span, one INFO log record inside it, one counter tagged with the trace id.
fn send_signals() -> Result<obs::TraceIds> {
    let span = tracing::info_span!("obs-smoke", otel.name = obs_stack::SMOKE_SPAN_NAME);
    let ids = obs::trace_ids(&span)
        .context("the smoke span was not recorded; check OTEL_SDK_DISABLED and OTEL_TRACES_SAMPLER")?;
    span.in_scope(|| tracing::info!("obs smoke log record"));
    let counter = opentelemetry::global::meter("smoke-sender").u64_counter(obs_stack::SMOKE_METRIC_NAME).build();
    counter.add(1, &[KeyValue::new("smoke.run_id", ids.trace_id.clone())]);
    Ok(ids)
}
