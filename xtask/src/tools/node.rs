//! The browser tests' npm packages in `obs_stack::tools::NODE_DIR`: `npm ci` (or `npm install`
//! without a lock file) when `node_modules` is missing or older than the manifest.

use std::path::Path;
use std::time::SystemTime;

use obs_stack::tools::NODE_DIR;
use xshell::{Shell, cmd};

use super::Step;

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Whether `node_modules` must be (re)installed: absent, or older than the lock (or manifest).
pub fn stale(dir: &Path) -> bool {
    let lock = dir.join("package-lock.json");
    let (manifest, marker) = if lock.is_file() {
        (lock, dir.join("node_modules/.package-lock.json"))
    } else {
        (dir.join("package.json"), dir.join("node_modules"))
    };
    match (modified(&manifest), modified(&marker)) {
        (Some(m), Some(installed)) => m > installed,
        _ => true,
    }
}

/// `npm ci` or `npm install` in the UI tests folder when needed; nothing without a package.json.
pub fn plan<'a>(sh: &'a Shell, root: &Path) -> Vec<Step<'a>> {
    let dir = root.join(NODE_DIR);
    if !dir.join("package.json").is_file() || !stale(&dir) {
        return Vec::new();
    }
    let verb = if dir.join("package-lock.json").is_file() { "ci" } else { "install" };
    vec![Step::Run(cmd!(sh, "npm {verb} --prefix {dir} --no-audit --no-fund"))]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No package.json plans nothing; a manifest without node_modules plans `npm install`, and
    /// with a lock file `npm ci`.
    #[test]
    fn plans_by_manifest() -> std::io::Result<()> {
        let sh = Shell::new().unwrap_or_else(|e| panic!("no shell: {e}"));
        let tmp = tempfile::tempdir()?;
        assert!(plan(&sh, tmp.path()).is_empty());
        let dir = tmp.path().join(NODE_DIR);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("package.json"), "{}")?;
        let shown = |sh: &Shell| plan(sh, tmp.path()).iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(shown(&sh), vec![format!("npm install --prefix {} --no-audit --no-fund", dir.display())]);
        std::fs::write(dir.join("package-lock.json"), "{}")?;
        assert_eq!(shown(&sh), vec![format!("npm ci --prefix {} --no-audit --no-fund", dir.display())]);
        std::fs::create_dir_all(dir.join("node_modules"))?;
        std::fs::write(dir.join("node_modules/.package-lock.json"), "{}")?;
        assert!(!stale(&dir));
        Ok(())
    }
}
