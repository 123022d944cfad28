//! Helpers every test crate shares: where the workspace is, where the third-party tools are
//! (failing with an install hint when one is missing), free loopback ports, a real embedded
//! backend process on those ports, a real rotel collector, our binaries run with a time limit,
//! and polling queries of the backend's APIs.

pub mod embedded;
pub mod process;
pub mod query;
pub mod rotel;
pub mod tools;

use std::path::PathBuf;

/// The workspace root (the directory holding the top `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).map_or(here.clone(), PathBuf::from)
}

/// The cargo target directory in force (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// A port on 127.0.0.1 that was free a moment ago (bind to :0, read it, release it).
pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
