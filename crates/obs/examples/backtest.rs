//! A small backtest in the shape of Peak_Trade's: load bars from an instrumented local lake
//! (seeding it with a generated CSV when missing), run a moving-average strategy in spans, log
//! each decision and count trades. Run it after `cargo xtask obs-up`:
//!
//! ```text
//! cargo run -p obs --example backtest
//! OTEL_EXPORTER_OTLP_PROTOCOL=grpc cargo run -p obs --example backtest -- --json
//! ```

use anyhow::{Context, Result, bail};
use clap::Parser;
use obs::KeyValue;
use tracing::Instrument as _;

/// Runs a toy SMA-crossover backtest with telemetry on (configure with the OTEL_* variables).
#[derive(Debug, Parser)]
struct Args {
    /// Lake URL (`file:///abs/dir` or `memory://`); default: `target/backtest-lake` in the workspace.
    #[arg(long)]
    lake: Option<String>,
    /// Instrument symbol whose bars are loaded.
    #[arg(long, default_value = "BTC-USD")]
    symbol: String,
    /// Print one JSON line (trace id, bars, trades) instead of a sentence.
    #[arg(long)]
    json: bool,
}

/// One daily bar.
#[derive(Debug, Clone, Copy)]
struct Bar {
    day: u32,
    close: f64,
}

/// `init_otel` runs inside the tokio runtime here (smoke-sender shows the plain-thread case).
#[tokio::main]
async fn main() -> std::process::ExitCode {
    match backtest(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("backtest: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn backtest(args: Args) -> Result<()> {
    let service = std::env::var(obs::env::OTEL_SERVICE_NAME).unwrap_or_else(|_| "peak_trade_backtest".into());
    let mut guard =
        obs::init_otel(obs::ObsConfig::builder().service_name(service).service_version(env!("CARGO_PKG_VERSION")))?;
    let outcome = run(&args).await;
    // Lost telemetry is worth a line on stderr, never a failed backtest.
    if let Err(lost) = guard.shutdown() {
        eprintln!("backtest: warning: {lost:#}");
    }
    let (trace_id, bars, trades) = outcome?;
    if args.json {
        println!("{{\"trace_id\":\"{trace_id}\",\"bars\":{bars},\"trades\":{trades}}}");
    } else {
        println!("backtest of {} finished: {bars} bars, {trades} trades, trace id {trace_id}", args.symbol);
    }
    Ok(())
}

async fn run(args: &Args) -> Result<(String, usize, usize)> {
    let root = tracing::info_span!("backtest", symbol = %args.symbol, strategy = "sma_cross_5_20");
    let trace_id = obs::trace_ids(&root).map_or_else(|| "none".to_string(), |ids| ids.trace_id);
    async {
        let lake = obs::instrument_lake(obs::LakeClient::open(&lake_url(args)?)?);
        let bars = load_bars(&lake, &args.symbol).await?;
        let trades = tracing::info_span!("simulate", bars = bars.len()).in_scope(|| simulate(&bars));
        store_report(&lake, &args.symbol, trades).await?;
        Ok((trace_id, bars.len(), trades))
    }
    .instrument(root)
    .await
}

fn lake_url(args: &Args) -> Result<String> {
    if let Some(url) = &args.lake {
        return Ok(url.clone());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = std::path::absolute(target.join("backtest-lake")).context("resolve the example lake directory")?;
    Ok(format!("file://{}", dir.display()))
}

/// Reads `bars/<symbol>.csv`, writing a generated one first when the lake has none.
#[tracing::instrument(skip(lake))]
async fn load_bars(lake: &obs::LakeClient, symbol: &str) -> Result<Vec<Bar>> {
    let path = format!("bars/{symbol}.csv");
    if !lake.exists(&path).await? {
        tracing::info!(%path, "seeding the lake with generated bars");
        lake.write(&path, generated_csv()).await?;
    }
    let text = String::from_utf8(lake.read(&path).await?.to_vec()).context("bars file is not UTF-8")?;
    parse_bars(&text).with_context(|| format!("parse {path}"))
}

fn generated_csv() -> String {
    let mut csv = String::from("day,close\n");
    for day in 0..120u32 {
        let close = 100.0 + 10.0 * (f64::from(day) / 9.0).sin() + f64::from(day) * 0.05;
        csv.push_str(&format!("{day},{close:.2}\n"));
    }
    csv
}

fn parse_bars(text: &str) -> Result<Vec<Bar>> {
    let mut bars = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1).filter(|(_, l)| !l.trim().is_empty()) {
        let (day, close) = line.split_once(',').with_context(|| format!("line {}: expected day,close", n + 1))?;
        bars.push(Bar {
            day: day.trim().parse().with_context(|| format!("line {}: bad day {day:?}", n + 1))?,
            close: close.trim().parse().with_context(|| format!("line {}: bad close {close:?}", n + 1))?,
        });
    }
    if bars.len() < 20 {
        bail!("need at least 20 bars for the 20-day average, found {}", bars.len());
    }
    Ok(bars)
}

/// Steps through the bars; every crossover of the 5- and 20-day averages is a trade.
fn simulate(bars: &[Bar]) -> usize {
    let trades = obs::meter("peak_trade.backtest").u64_counter("peak_trade_backtest_trades").build();
    let mean = |window: &[Bar]| window.iter().map(|b| b.close).sum::<f64>() / window.len() as f64;
    let (mut long, mut count) = (false, 0);
    for chunk_start in (20..bars.len()).step_by(25) {
        let _step = tracing::info_span!("step", from_day = bars[chunk_start].day).entered();
        for i in chunk_start..bars.len().min(chunk_start + 25) {
            let fast_above = mean(&bars[i - 5..i]) > mean(&bars[i - 20..i]);
            if fast_above != long {
                long = fast_above;
                count += 1;
                let side = if long { "buy" } else { "sell" };
                tracing::info!(day = bars[i].day, side, price = bars[i].close, "trade decision");
                trades.add(1, &[KeyValue::new("side", side)]);
            }
        }
    }
    count
}

#[tracing::instrument(skip(lake))]
async fn store_report(lake: &obs::LakeClient, symbol: &str, trades: usize) -> Result<()> {
    lake.write(&format!("reports/{symbol}.json"), format!("{{\"symbol\":\"{symbol}\",\"trades\":{trades}}}\n")).await
}
