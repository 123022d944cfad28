//! Command line of the `obs-embedded` binary. OWNER: core helper.

/// Parses flags, starts the server, exits with its status.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::FAILURE
}
