//! `cargo xtask logs` (placeholder, replaced by its owner).

/// Arguments of this command.
#[derive(Debug, clap::Args)]
pub struct Args {}

impl Args {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<()> {
        anyhow::bail!("not built yet")
    }
}
