//! What a command says before it compiles one of our binaries: a cold build takes minutes, and a
//! silent terminal for that long reads as a hang. One sentence names what is built, why, how long
//! it may take, and the variable that skips the build with a prebuilt binary.

use std::path::Path;

/// The line printed before `cargo build` of `package` (profile `profile`) into `binary`.
pub fn announce(package: &str, profile: &str, binary: &Path, skip_var: &str) -> String {
    if binary.is_file() {
        format!("building {package} ({profile}; quick when nothing changed); set {skip_var} to use a prebuilt binary")
    } else {
        let how_long = if profile == "release" { "several minutes" } else { "a minute or two" };
        format!(
            "first run: building {package} in {profile} ({} does not exist yet), {how_long}; \
             cargo's progress follows. Set {skip_var} to use a prebuilt binary",
            binary.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A missing binary is announced as a first, slow build; an existing one as a quick check.
    #[test]
    fn first_build_and_rebuild_read_differently() {
        let missing = announce("obs-embedded", "release", Path::new("/nowhere/obs-embedded"), "OBS_EMBEDDED_BIN");
        assert_eq!(
            missing,
            "first run: building obs-embedded in release (/nowhere/obs-embedded does not exist yet), several \
             minutes; cargo's progress follows. Set OBS_EMBEDDED_BIN to use a prebuilt binary"
        );
        let existing = std::env::current_exe().unwrap_or_default();
        let rebuild = announce("smoke-sender", "debug", &existing, "SMOKE_SENDER_BIN");
        assert!(rebuild.starts_with("building smoke-sender (debug; quick when nothing changed)"), "{rebuild}");
    }
}
