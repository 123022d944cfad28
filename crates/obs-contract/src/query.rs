//! Running queries safely, the same way in all three signal crates: the limits a query obeys
//! ([`QueryLimits`]), the budget it checks while it works ([`Budget`]), the runner that moves it
//! off the async workers with a deadline and a concurrency cap ([`QueryRunner`]), a lexical
//! bound checked before any parser sees the text ([`scan`]), and why a query was stopped
//! ([`LimitError`]).
//!
//! A handler parses its parameters, then hands the work to the runner:
//! ```text
//! let answer = runner.run(move |budget| evaluate(&store, &query, budget)).await;
//! ```
//! The evaluation calls `budget.check()` in its loops and `budget.charge(n)` for the samples
//! it holds, so a timeout, a client that went away or a too-large answer stops it early.

mod budget;
mod error;
mod limits;
mod runner;
pub mod scan;

pub use budget::Budget;
pub use error::LimitError;
pub use limits::QueryLimits;
pub use runner::QueryRunner;
