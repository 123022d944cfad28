//! Proves both backends hold the same data before any suite query is compared: the same number of
//! `demo_*` series and samples, and identical raw samples for one selector of each family.

use anyhow::{Result, bail};

use crate::api::Client;
use crate::compare::{Verdict, judge};
use crate::data::DATA_END_MS;

/// Instant queries at the end of the data whose answers must be identical on both sides.
pub const PROBES: &[&str] = &[
    "count({__name__=~\"demo_.+\"})",
    "count by (__name__) ({__name__=~\"demo_.+\"})",
    "demo_num_cpus[2h]",
    "demo_cpu_usage_seconds_total[2h]",
    "demo_memory_usage_bytes[2h]",
    "demo_disk_usage_bytes[2h]",
    "demo_batch_last_success_timestamp_seconds[2h]",
    "demo_items_shipped_total[2h]",
    "demo_intermittent_metric[2h]",
    "demo_api_request_duration_seconds_bucket{instance=\"demo.promlabs.com:10001\"}[2h]",
    "demo_api_request_duration_seconds_sum[2h]",
    "demo_api_request_duration_seconds_count[2h]",
];

/// Fails naming the first probe whose answers differ.
pub fn same_data(reference: &Client, test: &Client) -> Result<()> {
    for probe in PROBES {
        let r = reference.instant(probe, DATA_END_MS)?;
        let t = test.instant(probe, DATA_END_MS)?;
        match judge(false, &r, &t) {
            Verdict::Pass => {}
            Verdict::Fail(why) | Verdict::Reference(why) => {
                bail!("the two backends do not hold the same data: {probe} differs: {why}")
            }
        }
    }
    Ok(())
}
