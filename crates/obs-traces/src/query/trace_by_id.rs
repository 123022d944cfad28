//! Trace by id, assembled in chunks: the trace's span numbers are copied under the read lock,
//! then its spans are turned into OTLP a chunk at a time (the lock let go in between), grouped
//! by resource and scope through hash maps, so a trace of 160 k spans over 40 k resources is
//! assembled in linear time without blocking ingest.

use obs_contract::query::{Budget, LimitError};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, TracesData};
use prost::Message;

use crate::TraceStore;
use crate::hash::FxMap;
use crate::query::chunks::CHUNK;
use crate::store::Inner;

/// The stored trace with this id as OTLP, grouped by resource and scope in first-seen order;
/// `None` when unknown.
pub fn assemble(store: &TraceStore, id: &[u8; 16], budget: &Budget) -> Result<Option<TracesData>, LimitError> {
    let seqs = store.read(|inner| {
        let entry = inner.traces.get(inner.traces.find(id)?)?;
        Some(entry.spans.as_slice().to_vec())
    });
    let Some(seqs) = seqs else { return Ok(None) };
    budget.charge(seqs.len() as u64)?;
    let mut assembly = Assembly::default();
    for chunk in seqs.chunks(CHUNK) {
        budget.check()?;
        store.read(|inner| assembly.add(inner, id, chunk, budget))?;
    }
    Ok(assembly.finish())
}

/// One scope's spans with the resource they belong to.
struct Scoped {
    resource: Resource,
    resource_schema: String,
    scope: ScopeSpans,
}

/// The spans gathered so far, one [`Scoped`] per distinct resource + scope.
#[derive(Default)]
struct Assembly {
    by_key: FxMap<Box<[u8]>, usize>,
    scoped: Vec<Scoped>,
}

impl Assembly {
    /// Adds the spans of `chunk` that are still stored.
    fn add(&mut self, inner: &Inner, id: &[u8; 16], chunk: &[u32], budget: &Budget) -> Result<(), LimitError> {
        // Group ids are only stable while the lock is held: this map lives for one chunk.
        let mut by_group: FxMap<u32, usize> = FxMap::default();
        for &seq in chunk {
            budget.tick()?;
            let Some((rec, record)) = inner.span(seq) else { continue };
            let slot = match by_group.get(&rec.group) {
                Some(&slot) => slot,
                None => {
                    let Some(slot) = self.slot_of(inner, rec.group) else { continue };
                    by_group.insert(rec.group, slot);
                    slot
                }
            };
            let span = inner.otlp_span(id, rec, record);
            if let Some(scoped) = self.scoped.get_mut(slot) {
                scoped.scope.spans.push(span);
            }
        }
        Ok(())
    }

    /// The index of the group's resource + scope in `scoped`, added on first sight.
    fn slot_of(&mut self, inner: &Inner, group_id: u32) -> Option<usize> {
        let key = inner.groups.key_of(group_id)?;
        if let Some(&slot) = self.by_key.get(key) {
            return Some(slot);
        }
        let group = inner.groups.get(group_id)?;
        self.scoped.push(Scoped {
            resource: group.resource.clone(),
            resource_schema: group.resource_schema.clone(),
            scope: ScopeSpans {
                scope: Some(group.scope.clone()),
                spans: Vec::new(),
                schema_url: group.scope_schema.clone(),
            },
        });
        self.by_key.insert(key.into(), self.scoped.len() - 1);
        Some(self.scoped.len() - 1)
    }

    /// The scopes merged under their resources (equal resource and schema: one entry).
    fn finish(self) -> Option<TracesData> {
        let mut by_resource: FxMap<(Vec<u8>, String), usize> = FxMap::default();
        let mut resource_spans: Vec<ResourceSpans> = Vec::new();
        for Scoped { resource, resource_schema, scope } in self.scoped {
            if scope.spans.is_empty() {
                continue;
            }
            let key = (resource.encode_to_vec(), resource_schema);
            match by_resource.get(&key).and_then(|&i| resource_spans.get_mut(i)) {
                Some(rs) => rs.scope_spans.push(scope),
                None => {
                    by_resource.insert(key.clone(), resource_spans.len());
                    resource_spans.push(ResourceSpans {
                        resource: Some(resource),
                        scope_spans: vec![scope],
                        schema_url: key.1,
                    });
                }
            }
        }
        (!resource_spans.is_empty()).then_some(TracesData { resource_spans })
    }
}
