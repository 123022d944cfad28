//! Invalid `OTEL_*` values do not stop the program (the OpenTelemetry specification asks SDKs to
//! warn and fall back): each problem is kept with the fallback used, printed once at init, and
//! turned into an error only in strict mode (opt-in, for CI).

use anyhow::{Result, bail};

/// Problems found while resolving, each already saying what was used instead.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    found: Vec<String>,
}

impl Problems {
    /// Keeps `result`'s value, or records its error with "using {fallback}" and returns `fallback`.
    pub(crate) fn or<T>(&mut self, result: Result<T>, fallback: T, shown: &str) -> T {
        match result {
            Ok(value) => value,
            Err(err) => {
                self.found.push(format!("{err:#}; using {shown}"));
                fallback
            }
        }
    }

    /// The code's value, else the variable's (`parsed`), else `default`; an invalid variable is
    /// recorded with `shown` (the default as the user writes it).
    pub(crate) fn setting<T>(
        &mut self,
        code: Option<T>,
        parsed: impl FnOnce() -> Result<Option<T>>,
        default: T,
        shown: &str,
    ) -> T {
        match code {
            Some(value) => value,
            None => match parsed() {
                Ok(Some(value)) => value,
                Ok(None) => default,
                Err(err) => self.or(Err(err), default, shown),
            },
        }
    }

    /// Records a warning that has no fallback value (a likely mistake, such as a port mismatch).
    pub(crate) fn warn(&mut self, message: String) {
        if !self.found.contains(&message) {
            self.found.push(message);
        }
    }

    /// The warnings, or in strict mode an error listing them all.
    pub(crate) fn finish(self, strict: bool) -> Result<Vec<String>> {
        if strict && !self.found.is_empty() {
            bail!("invalid telemetry configuration (strict mode): {}", self.found.join("; "))
        }
        Ok(self.found)
    }
}
