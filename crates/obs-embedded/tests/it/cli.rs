//! What a user sees from the binary's command line: help naming every flag with its
//! environment variable, and a bad port variable named in a one-line error.

use std::process::Command;

use test_support::embedded::build_binary;

/// `--help` lists every flag with its environment variable and exits 0.
#[test]
fn help_lists_flags_and_env_vars() {
    let out = Command::new(build_binary().unwrap()).arg("--help").env_clear().output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for (flag, var) in [
        ("--bind", "OBS_BIND"),
        ("--max-spans", "OBS_MAX_SPANS"),
        ("--max-trace-bytes", "OBS_MAX_TRACE_BYTES"),
        ("--max-log-records", "OBS_MAX_LOG_RECORDS"),
        ("--max-log-bytes", "OBS_MAX_LOG_BYTES"),
        ("--max-series", "OBS_MAX_SERIES"),
        ("--metrics-history", "OBS_METRICS_HISTORY"),
        ("--max-request-bytes", "OBS_MAX_REQUEST_BYTES"),
    ] {
        let line =
            help.lines().position(|l| l.trim_start().starts_with(flag)).unwrap_or_else(|| panic!("{flag}: {help}"));
        assert!(help.lines().nth(line + 1).unwrap().contains(&format!("[env: {var}")), "{flag}: {help}");
    }
}

/// A port variable that is not a number stops the start with exit 1 and one line naming it.
#[test]
fn bad_port_variable_is_named() {
    let out = Command::new(build_binary().unwrap()).env_clear().env("OBS_TEMPO_PORT", "abc").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: read port settings: OBS_TEMPO_PORT=\"abc\" is not a port number; set it to a value from 1 to 65535\n"
    );
}
