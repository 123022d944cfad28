//! Helpers every test crate shares: where the workspace is, where the third-party tools are
//! (failing with an install hint when one is missing), free loopback ports, a real embedded
//! backend process on those ports, a real rotel collector, our binaries run with a time limit,
//! polling queries of the backend's APIs, and (feature `serve`) an axum router served on loopback.

pub mod embedded;
pub mod process;
pub mod query;
pub mod rotel;
#[cfg(feature = "serve")]
pub mod serve;
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

/// Percent-encodes a query-string value (everything but RFC 3986's unreserved characters).
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
