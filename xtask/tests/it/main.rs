//! Integration tests of `cargo xtask`: the built binary run as a user runs it. One test crate,
//! one module per area (each helper appends its own `mod` line).
mod check;
mod docker;
mod embedded_e2e;
mod first_run;
mod hints;
mod mistakes;
mod probe;
mod runtime_env;
mod smoke;
mod tidy;
