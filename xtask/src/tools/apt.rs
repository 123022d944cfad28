//! Debian packages the tests use: Prometheus (and promtool), Chromium and ChromeDriver, and the
//! docker client when absent. Installed with apt-get only when one is missing and we are root.

use anyhow::{Result, bail};
use xshell::{Shell, cmd};

use super::{Step, which};

/// `(program looked up on PATH, Debian package providing it)`.
pub const PACKAGES: [(&str, &str); 5] = [
    ("prometheus", "prometheus"),
    ("promtool", "prometheus"),
    ("chromium", "chromium"),
    ("chromedriver", "chromium-driver"),
    ("docker", "docker.io"),
];

/// Packages whose program is not on PATH, without duplicates.
pub fn missing() -> Vec<&'static str> {
    let mut out: Vec<&str> = Vec::new();
    for (program, package) in PACKAGES {
        if which(program).is_none() && !out.contains(&package) {
            out.push(package);
        }
    }
    out
}

/// Whether this process runs as root (read from /proc, so no extra dependency).
pub fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("Uid:")).and_then(|ids| ids.split_whitespace().next()) == Some("0")
}

/// `apt-get update` then one `apt-get install -y` of the missing packages; nothing when none is.
pub fn plan<'a>(sh: &'a Shell, missing: &[&str], root: bool) -> Result<Vec<Step<'a>>> {
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    if !root {
        let list = missing.join(" ");
        bail!(
            "Debian packages {list} are missing and this is not root; run `sudo apt-get install -y {list}`, then `cargo xtask ci`"
        );
    }
    let update = cmd!(sh, "apt-get update").env("DEBIAN_FRONTEND", "noninteractive");
    let install = cmd!(sh, "apt-get install -y {missing...}").env("DEBIAN_FRONTEND", "noninteractive");
    Ok(vec![Step::Run(update), Step::Run(install)])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nothing missing plans nothing; missing packages plan one update and one install.
    #[test]
    fn plans_update_then_install() {
        let sh = Shell::new().unwrap_or_else(|e| panic!("no shell: {e}"));
        assert!(plan(&sh, &[], false).is_ok_and(|s| s.is_empty()));
        let steps = plan(&sh, &["prometheus", "chromium"], true).unwrap_or_default();
        let shown: Vec<_> = steps.iter().map(ToString::to_string).collect();
        assert_eq!(shown, vec!["apt-get update", "apt-get install -y prometheus chromium"]);
    }

    /// Without root the error names the packages and the sudo command.
    #[test]
    fn not_root_says_how() {
        let sh = Shell::new().unwrap_or_else(|e| panic!("no shell: {e}"));
        let err = plan(&sh, &["chromium"], false).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("run `sudo apt-get install -y chromium`"), "{err}");
    }
}
