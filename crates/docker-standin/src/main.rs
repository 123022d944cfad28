//! A recording stand-in for the `docker` CLI, the only stand-in the tests allow (there is no
//! Docker daemon on our machines). Put first on `PATH` as `docker`, it appends its arguments as
//! one line to the file named by `DOCKER_STANDIN_LOG`, then answers as scripted:
//!
//! - `DOCKER_STANDIN_<n>_MATCH` (n = 1, 2, ...): a substring of the space-joined arguments; the
//!   first rule that matches supplies `DOCKER_STANDIN_<n>_STDOUT`, `_STDERR` and `_EXIT`.
//! - Otherwise `DOCKER_STANDIN_STDOUT`, `DOCKER_STANDIN_STDERR` and `DOCKER_STANDIN_EXIT`
//!   (exit code 0 when unset).
//! - `_DELAY_MS` (per rule or default) makes it wait that long before answering, like a daemon
//!   that hangs.

use std::io::Write;
use std::process::ExitCode;

/// Names the file that receives one line per call.
const LOG_VAR: &str = "DOCKER_STANDIN_LOG";
/// Prefix of every scripting variable.
const PREFIX: &str = "DOCKER_STANDIN";
/// Exit code when the stand-in itself is misconfigured (distinct from scripted codes).
const MISCONFIGURED: u8 = 97;

/// What one call prints and how it exits.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    stdout: String,
    stderr: String,
    exit: u8,
    delay_ms: u64,
}

/// Picks the answer for `line` from the variables visible through `lookup`.
fn answer(line: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<Answer, String> {
    let mut rule = 1;
    let scope = loop {
        match lookup(&format!("{PREFIX}_{rule}_MATCH")) {
            Some(needle) if line.contains(&needle) => break format!("{PREFIX}_{rule}"),
            Some(_) => rule += 1,
            None => break PREFIX.to_string(),
        }
    };
    let exit = match lookup(&format!("{scope}_EXIT")) {
        None => 0,
        Some(raw) => {
            raw.trim().parse::<u8>().map_err(|_| format!("{scope}_EXIT={raw:?} is not an exit code (0-255)"))?
        }
    };
    let delay_ms = match lookup(&format!("{scope}_DELAY_MS")) {
        None => 0,
        Some(raw) => raw
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("{scope}_DELAY_MS={raw:?} is not a number of milliseconds"))?,
    };
    Ok(Answer {
        stdout: lookup(&format!("{scope}_STDOUT")).unwrap_or_default(),
        stderr: lookup(&format!("{scope}_STDERR")).unwrap_or_default(),
        exit,
        delay_ms,
    })
}

/// Appends `line` to the log file named by [`LOG_VAR`].
fn record(line: &str) -> Result<(), String> {
    let path =
        std::env::var_os(LOG_VAR).ok_or_else(|| format!("{LOG_VAR} is not set; name the file to record calls in"))?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|err| format!("open {}: {err}", path.to_string_lossy()))?;
    writeln!(file, "{line}").map_err(|err| format!("write {}: {err}", path.to_string_lossy()))
}

fn main() -> ExitCode {
    let line = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let result = record(&line).and_then(|()| answer(&line, |name| std::env::var(name).ok()));
    match result {
        Ok(found) => {
            std::thread::sleep(std::time::Duration::from_millis(found.delay_ms));
            print!("{}", found.stdout);
            eprint!("{}", found.stderr);
            ExitCode::from(found.exit)
        }
        Err(message) => {
            eprintln!("docker-standin: {message}");
            ExitCode::from(MISCONFIGURED)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let owned: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| owned.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    /// With no rules the defaults answer, and the exit code defaults to success.
    #[test]
    fn defaults_answer_without_rules() {
        let got = answer("info", vars(&[("DOCKER_STANDIN_STDOUT", "hi")])).unwrap();
        assert_eq!(got, Answer { stdout: "hi".into(), stderr: String::new(), exit: 0, delay_ms: 0 });
    }

    /// The first matching rule wins; later rules and the defaults are not consulted.
    #[test]
    fn first_matching_rule_wins() {
        let lookup = vars(&[
            ("DOCKER_STANDIN_1_MATCH", "compose version"),
            ("DOCKER_STANDIN_1_STDOUT", "2.40.3\n"),
            ("DOCKER_STANDIN_2_MATCH", "info"),
            ("DOCKER_STANDIN_2_EXIT", "1"),
            ("DOCKER_STANDIN_2_STDERR", "no daemon"),
            ("DOCKER_STANDIN_EXIT", "3"),
        ]);
        assert_eq!(answer("compose version --short", &lookup).unwrap().stdout, "2.40.3\n");
        let info = answer("info --format x", &lookup).unwrap();
        assert_eq!((info.exit, info.stderr.as_str()), (1, "no daemon"));
        assert_eq!(answer("ps", &lookup).unwrap().exit, 3);
    }

    /// A malformed exit code is reported with the variable's name.
    #[test]
    fn bad_exit_code_names_the_variable() {
        let err = answer("ps", vars(&[("DOCKER_STANDIN_EXIT", "x")])).unwrap_err();
        assert_eq!(err, "DOCKER_STANDIN_EXIT=\"x\" is not an exit code (0-255)");
    }
}
