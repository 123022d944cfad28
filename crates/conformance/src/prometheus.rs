//! Real Prometheus as the reference: the data set backfilled with `promtool tsdb
//! create-blocks-from openmetrics` into a fresh data dir, then `prometheus` serving it on a free
//! loopback port with a config that scrapes nothing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::wait;

/// Debian package holding both `prometheus` and `promtool`'s.
const PROMETHEUS_PACKAGE: &str = "prometheus";
/// How long Prometheus may take to load the blocks and answer `/-/ready`.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running Prometheus; killed on drop, its data dir removed.
pub struct Prometheus {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// `promtool tsdb create-blocks-from openmetrics <input> <data>`.
pub fn backfill_command(promtool: &Path, input: &Path, data: &Path) -> Command {
    let mut cmd = Command::new(promtool);
    cmd.args(["tsdb", "create-blocks-from", "openmetrics"]).arg(input).arg(data);
    cmd
}

/// `prometheus` on `port` over `data`, with a 10-year retention so the backfilled blocks stay.
pub fn serve_command(prometheus: &Path, config: &Path, data: &Path, port: u16) -> Command {
    let mut cmd = Command::new(prometheus);
    cmd.arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", data.display()))
        .arg("--storage.tsdb.retention.time=10y")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"));
    cmd
}

impl Prometheus {
    /// Backfills `openmetrics` (the text) and starts Prometheus on it, waiting for `/-/ready`.
    pub fn start(openmetrics: &str) -> Result<Self> {
        let promtool = test_support::tools::system("promtool", PROMETHEUS_PACKAGE)?;
        let prometheus = test_support::tools::system("prometheus", PROMETHEUS_PACKAGE)?;
        let dir = tempfile::tempdir().context("create a temp dir for Prometheus")?;
        let input = dir.path().join("data.om");
        let data = dir.path().join("data");
        let config = dir.path().join("prometheus.yml");
        let log = dir.path().join("prometheus.log");
        std::fs::write(&input, openmetrics).with_context(|| format!("write {}", input.display()))?;
        std::fs::write(&config, "global:\n  scrape_interval: 5s\nscrape_configs: []\n")
            .with_context(|| format!("write {}", config.display()))?;
        let out = backfill_command(&promtool, &input, &data)
            .output()
            .context("run promtool tsdb create-blocks-from openmetrics")?;
        if !out.status.success() {
            bail!(
                "promtool tsdb create-blocks-from openmetrics failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let port = test_support::free_port().context("pick a free port for Prometheus")?;
        let log_file = std::fs::File::create(&log).with_context(|| format!("create {}", log.display()))?;
        let child = serve_command(&prometheus, &config, &data, port)
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .with_context(|| format!("start {}", prometheus.display()))?;
        let mut server = Self { child, url: format!("http://127.0.0.1:{port}"), log, _dir: dir };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<()> {
        let url = format!("{}/-/ready", self.url);
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(2)))
            .http_status_as_error(false)
            .build()
            .new_agent();
        let child = &mut self.child;
        let result = wait::until(&url, READY_TIMEOUT, Duration::from_millis(50), || {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("prometheus exited ({status})"));
            }
            match agent.get(&url).call() {
                Ok(resp) if resp.status() == 200 => Ok(()),
                Ok(resp) => Err(format!("status {}", resp.status())),
                Err(err) => Err(err.to_string()),
            }
        });
        result.with_context(|| format!("Prometheus log:\n{}", self.log_tail()))
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The backfill and serve commands are the documented promtool and prometheus invocations.
    #[test]
    fn planned_commands() {
        let b = backfill_command(Path::new("promtool"), Path::new("/t/in.om"), Path::new("/t/data"));
        assert_eq!(format!("{b:?}"), r#""promtool" "tsdb" "create-blocks-from" "openmetrics" "/t/in.om" "/t/data""#);
        let s = serve_command(Path::new("prometheus"), Path::new("/t/p.yml"), Path::new("/t/data"), 9);
        assert_eq!(
            format!("{s:?}"),
            r#""prometheus" "--config.file=/t/p.yml" "--storage.tsdb.path=/t/data" "--storage.tsdb.retention.time=10y" "--web.listen-address=127.0.0.1:9""#
        );
    }
}
