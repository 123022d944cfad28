//! What the runtime commands show: the access table (service, URL, credentials) built from the
//! obs-stack port table, and the live per-service readiness display (spinners on a terminal,
//! plain lines otherwise, so CI logs and tests read the same thing).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use obs_stack::{Endpoints, GRAFANA_CREDENTIALS, PORTS, ports};

use crate::backend::Kind;

/// One row of the access table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    /// What it is.
    pub service: String,
    /// Where to reach it.
    pub url: String,
    /// How to log in, or `-`.
    pub credentials: String,
}

/// The access table of `kind` on `endpoints`, in port-table order.
pub fn access_rows(kind: Kind, endpoints: &Endpoints) -> Vec<Row> {
    PORTS
        .iter()
        .map(|port| {
            let ui = port.key == ports::GRAFANA.key;
            let service = match kind {
                Kind::Embedded if ui => "obs-embedded UI".to_string(),
                _ => port.label.to_string(),
            };
            let credentials = if ui && kind == Kind::Docker { GRAFANA_CREDENTIALS } else { "-" };
            Row { service, url: endpoints.url(*port), credentials: credentials.into() }
        })
        .collect()
}

/// The access table as aligned text, header included.
pub fn access_table(rows: &[Row]) -> String {
    let w0 = rows.iter().map(|r| r.service.len()).max().unwrap_or(0).max("service".len());
    let w1 = rows.iter().map(|r| r.url.len()).max().unwrap_or(0).max("URL".len());
    let mut out = format!("{:<w0$}  {:<w1$}  credentials\n", "service", "URL");
    for r in rows {
        out.push_str(&format!("{:<w0$}  {:<w1$}  {}\n", r.service, r.url, r.credentials));
    }
    out
}

/// Seconds with two decimals, as every duration is shown.
pub fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

/// Live readiness display, one entry per service, on stderr.
pub struct Progress {
    names: Vec<&'static str>,
    bars: Option<Vec<ProgressBar>>,
    width: usize,
}

impl Progress {
    /// Spinners when stderr is a terminal, else plain lines printed as each service settles.
    pub fn new(names: Vec<&'static str>) -> Self {
        let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
        let bars = std::io::stderr().is_terminal().then(|| {
            let multi = MultiProgress::new();
            let style = ProgressStyle::with_template("  {spinner} {prefix} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            names
                .iter()
                .map(|name| {
                    let bar = multi.add(ProgressBar::new_spinner());
                    bar.set_style(style.clone());
                    bar.set_prefix(format!("{name:<width$}"));
                    bar.set_message("waiting");
                    bar.enable_steady_tick(Duration::from_millis(100));
                    bar
                })
                .collect()
        });
        Self { names, bars, width }
    }

    /// Service `i` is ready after `elapsed`.
    pub fn ready(&self, i: usize, elapsed: Duration) {
        self.settle(i, format!("ready in {}", secs(elapsed)));
    }

    /// Service `i` was not ready by the deadline; `last` is what it answered.
    pub fn not_ready(&self, i: usize, last: &str) {
        self.settle(i, format!("NOT READY ({last})"));
    }

    fn settle(&self, i: usize, message: String) {
        match &self.bars {
            Some(bars) => bars[i].finish_with_message(message),
            None => eprintln!("  {:<w$}  {message}", self.names[i], w = self.width),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The docker table names Grafana with its login; the embedded one names its UI without one.
    #[test]
    fn access_table_per_backend() {
        let e = Endpoints::from_lookup(|_| None).unwrap();
        let docker = access_table(&access_rows(Kind::Docker, &e));
        assert_eq!(docker.lines().nth(1), Some("Grafana            http://127.0.0.1:3000   admin/admin"));
        let embedded = access_table(&access_rows(Kind::Embedded, &e));
        assert_eq!(embedded.lines().nth(1), Some("obs-embedded UI    http://127.0.0.1:3000   -"));
        assert_eq!(embedded.lines().count(), 1 + PORTS.len());
    }
}
