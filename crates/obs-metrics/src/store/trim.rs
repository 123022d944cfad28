//! The per-item limits applied to OTLP attributes at ingest (attributes per resource, scope or
//! point; key and value lengths), like the SDKs' defaults: over a limit the rest is dropped or
//! cut, and the cuts are counted for the partial-success message.

use std::collections::BTreeMap;

use obs_contract::ItemLimits;
use opentelemetry_proto::tonic::common::v1::KeyValue;

use super::convert::attributes_to_labels;

/// Applies the per-item limits to attributes and counts what they cut.
pub struct Trim<'a> {
    /// The limits applied.
    pub items: &'a ItemLimits,
    dropped: u64,
    truncated: u64,
}

impl<'a> Trim<'a> {
    /// Nothing cut yet.
    pub fn new(items: &'a ItemLimits) -> Self {
        Self { items, dropped: 0, truncated: 0 }
    }

    /// Labels of one attribute list: at most `max_attributes` of them, keys and values cut to
    /// `max_key_bytes` and `max_value_bytes`.
    pub fn labels(&mut self, attrs: &[KeyValue]) -> BTreeMap<String, String> {
        let kept = attrs.len().min(self.items.max_attributes);
        self.dropped += (attrs.len() - kept) as u64;
        let mut labels = attributes_to_labels(&attrs[..kept]);
        let (max_key, max_value) = (self.items.max_key_bytes, self.items.max_value_bytes);
        if labels.iter().any(|(k, v)| k.len() > max_key || v.len() > max_value) {
            labels = labels
                .into_iter()
                .map(|(mut k, mut v)| {
                    self.truncated += u64::from(cut(&mut k, max_key)) + u64::from(cut(&mut v, max_value));
                    (k, v)
                })
                .collect();
        }
        labels
    }

    /// What was cut, for the partial-success message.
    pub fn report(&self, messages: &mut Vec<String>) {
        if self.dropped > 0 {
            messages.push(format!(
                "{} attributes dropped: at most {} attributes per resource, scope or point are kept",
                self.dropped, self.items.max_attributes
            ));
        }
        if self.truncated > 0 {
            messages.push(format!(
                "{} attribute keys or values truncated to {} / {} bytes",
                self.truncated, self.items.max_key_bytes, self.items.max_value_bytes
            ));
        }
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary; true when it was longer.
fn cut(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    true
}
