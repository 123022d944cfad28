//! Third-party tools the tests run for real. A missing tool is an error naming how to
//! install it, never a skip.

use std::path::PathBuf;

use anyhow::{Result, bail};
use obs_stack::tools::{INSTALL_HINT, VENV_DIR};

use crate::workspace_root;

fn existing(path: PathBuf, what: &str) -> Result<PathBuf> {
    if path.exists() { Ok(path) } else { bail!("{what} is not installed at {}; {INSTALL_HINT}", path.display()) }
}

/// The Python interpreter of the test venv (with the OpenTelemetry SDK and exporters).
pub fn venv_python() -> Result<PathBuf> {
    existing(workspace_root().join(VENV_DIR).join("bin/python"), "the test venv's python")
}

/// The `rotel-agent` binary shipped inside the `rotel` wheel.
pub fn rotel_agent() -> Result<PathBuf> {
    let lib = workspace_root().join(VENV_DIR).join("lib");
    let found = std::fs::read_dir(&lib).ok().into_iter().flatten().flatten().find_map(|py| {
        let candidate = py.path().join("site-packages/rotel/rotel-agent");
        candidate.exists().then_some(candidate)
    });
    match found {
        Some(path) => Ok(path),
        None => bail!("rotel-agent (PyPI package `rotel`) is not installed under {}; {INSTALL_HINT}", lib.display()),
    }
}

/// A program from the system `PATH` (for example `prometheus`, `promtool`, `chromium`).
pub fn system(program: &str, debian_package: &str) -> Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    match std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file()) {
        Some(found) => Ok(found),
        None => bail!(
            "{program} is not on PATH; install Debian's `{debian_package}` package (`apt-get install {debian_package}`) or {INSTALL_HINT}"
        ),
    }
}
