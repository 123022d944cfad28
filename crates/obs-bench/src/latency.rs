//! Query latency: one request at a time on one keep-alive connection, many times, reported
//! as p50 / p90 / p99 / max.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Percentiles of one query kind.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Latency {
    /// What was asked.
    pub name: String,
    /// How many times.
    pub count: usize,
    /// Milliseconds.
    pub p50_ms: f64,
    /// Milliseconds.
    pub p90_ms: f64,
    /// Milliseconds.
    pub p99_ms: f64,
    /// Milliseconds.
    pub max_ms: f64,
}

/// Percentiles of `samples` under `name`.
pub fn summarize(name: &str, mut samples: Vec<Duration>) -> Latency {
    samples.sort();
    let ms = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    Latency {
        name: name.to_string(),
        count: samples.len(),
        p50_ms: ms(0.5),
        p90_ms: ms(0.9),
        p99_ms: ms(0.99),
        max_ms: ms(1.0),
    }
}

/// A keep-alive HTTP client with a timeout on every call.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// GETs `url` and returns status and body.
pub fn get(agent: &ureq::Agent, url: &str) -> Result<(u16, String)> {
    let mut resp = agent.get(url).call().with_context(|| format!("GET {url}"))?;
    let status = resp.status().as_u16();
    let body =
        resp.body_mut().with_config().limit(256 << 20).read_to_string().with_context(|| format!("read {url}"))?;
    Ok((status, body))
}

/// Runs GET `urls[i % len]` `count` times, requiring 200, and summarizes the latencies.
pub fn measure(agent: &ureq::Agent, name: &str, urls: &[String], count: usize) -> Result<Latency> {
    if urls.is_empty() {
        bail!("no URLs to measure for {name}");
    }
    let mut samples = Vec::with_capacity(count);
    for i in 0..count {
        let url = &urls[i % urls.len()];
        let start = Instant::now();
        let (status, body) = get(agent, url)?;
        samples.push(start.elapsed());
        if status != 200 {
            bail!("{name}: {url} answered {status}: {}", body.chars().take(300).collect::<String>());
        }
    }
    Ok(summarize(name, samples))
}

/// Percent-encodes a query parameter value.
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Percentiles pick the nearest rank.
    #[test]
    fn percentiles() {
        let samples = (1..=100).map(Duration::from_millis).collect();
        let l = summarize("x", samples);
        assert_eq!((l.p50_ms.round(), l.p99_ms.round(), l.max_ms.round()), (51.0, 99.0, 100.0));
    }
}
