//! `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` parsing and the SDK sampler they build.

use anyhow::{Context, Result, bail};
use opentelemetry_sdk::trace::Sampler;

use crate::config::{ParentRoot, SamplerChoice};
use crate::env::{OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG};

/// Reads the sampler variables; unset means `parentbased_always_on`, as the specification says.
pub(crate) fn parse_sampler(name: Option<&str>, arg: Option<&str>) -> Result<SamplerChoice> {
    let ratio = || -> Result<f64> {
        let Some(raw) = arg else { return Ok(1.0) };
        let value: f64 = raw
            .parse()
            .with_context(|| format!("{OTEL_TRACES_SAMPLER_ARG}={raw:?} is not a number from 0.0 to 1.0"))?;
        if !(0.0..=1.0).contains(&value) {
            bail!("{OTEL_TRACES_SAMPLER_ARG}={raw:?} is outside 0.0 to 1.0");
        }
        Ok(value)
    };
    Ok(match name.unwrap_or("parentbased_always_on") {
        "always_on" => SamplerChoice::AlwaysOn,
        "always_off" => SamplerChoice::AlwaysOff,
        "traceidratio" => SamplerChoice::TraceIdRatio(ratio()?),
        "parentbased_always_on" => SamplerChoice::ParentBased(ParentRoot::AlwaysOn),
        "parentbased_always_off" => SamplerChoice::ParentBased(ParentRoot::AlwaysOff),
        "parentbased_traceidratio" => SamplerChoice::ParentBased(ParentRoot::TraceIdRatio(ratio()?)),
        other => bail!(
            "{OTEL_TRACES_SAMPLER}={other:?} is not supported; use always_on, always_off, traceidratio, \
             parentbased_always_on, parentbased_always_off or parentbased_traceidratio"
        ),
    })
}

/// The SDK sampler for a choice.
pub(crate) fn build_sampler(choice: SamplerChoice) -> Sampler {
    match choice {
        SamplerChoice::AlwaysOn => Sampler::AlwaysOn,
        SamplerChoice::AlwaysOff => Sampler::AlwaysOff,
        SamplerChoice::TraceIdRatio(r) => Sampler::TraceIdRatioBased(r),
        SamplerChoice::ParentBased(root) => Sampler::ParentBased(Box::new(match root {
            ParentRoot::AlwaysOn => Sampler::AlwaysOn,
            ParentRoot::AlwaysOff => Sampler::AlwaysOff,
            ParentRoot::TraceIdRatio(r) => Sampler::TraceIdRatioBased(r),
        })),
    }
}
