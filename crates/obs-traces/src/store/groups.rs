//! Resource and instrumentation-scope pairs, stored once and shared by their spans; each group
//! holds the posting list of its spans, so resource-attribute queries (`service.name`) find their
//! spans without scanning.

use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};
use prost::Message;

use crate::hash::FxMap;
use crate::seqlist::SeqList;

/// One distinct (resource, scope) pair.
pub struct Group {
    /// The resource as received.
    pub resource: Resource,
    /// The resource's schema URL.
    pub resource_schema: String,
    /// The instrumentation scope as received.
    pub scope: InstrumentationScope,
    /// The scope's schema URL.
    pub scope_schema: String,
    /// `service.name` of the resource ("" when absent).
    pub service: String,
    /// Spans of this group, ascending.
    pub postings: SeqList,
    pins: u32,
    key: Box<[u8]>,
}

/// The table of groups.
#[derive(Default)]
pub struct Groups {
    slots: Vec<Option<Group>>,
    index: FxMap<Box<[u8]>, u32>,
    free: Vec<u32>,
    bytes: usize,
}

/// Bytes a group costs besides its encoded key (structs, map entry).
const GROUP_OVERHEAD: usize = 256;

fn service_of(resource: &Resource) -> String {
    use opentelemetry_proto::tonic::common::v1::any_value::Value;
    resource
        .attributes
        .iter()
        .find(|kv| kv.key == "service.name")
        .and_then(|kv| kv.value.as_ref()?.value.as_ref())
        .map(|v| match v {
            Value::StringValue(s) => s.clone(),
            _ => String::new(),
        })
        .unwrap_or_default()
}

impl Groups {
    /// The group of this resource and scope, created if needed, pinned until [`Groups::unpin`].
    pub fn acquire(&mut self, rs: &ResourceSpans, ss: &ScopeSpans) -> u32 {
        let probe = ResourceSpans {
            resource: rs.resource.clone(),
            scope_spans: vec![ScopeSpans {
                scope: ss.scope.clone(),
                spans: Vec::new(),
                schema_url: ss.schema_url.clone(),
            }],
            schema_url: rs.schema_url.clone(),
        };
        let key = probe.encode_to_vec().into_boxed_slice();
        if let Some(&id) = self.index.get(&key) {
            if let Some(Some(group)) = self.slots.get_mut(id as usize) {
                group.pins += 1;
            }
            return id;
        }
        let resource = rs.resource.clone().unwrap_or_default();
        let group = Group {
            service: service_of(&resource),
            resource,
            resource_schema: rs.schema_url.clone(),
            scope: ss.scope.clone().unwrap_or_default(),
            scope_schema: ss.schema_url.clone(),
            postings: SeqList::Empty,
            pins: 1,
            key: key.clone(),
        };
        self.bytes += key.len() * 3 + GROUP_OVERHEAD;
        let id = match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = Some(group);
                id
            }
            None => {
                self.slots.push(Some(group));
                (self.slots.len() - 1) as u32
            }
        };
        self.index.insert(key, id);
        id
    }

    /// Ends a pin taken by [`Groups::acquire`]; frees the group if no span uses it.
    pub fn unpin(&mut self, id: u32) {
        if let Some(Some(group)) = self.slots.get_mut(id as usize) {
            group.pins = group.pins.saturating_sub(1);
        }
        self.free_if_unused(id);
    }

    /// Records a span of the group.
    pub fn post(&mut self, id: u32, seq: u32) {
        if let Some(Some(group)) = self.slots.get_mut(id as usize) {
            let before = group.postings.heap_bytes();
            group.postings.push(seq);
            self.bytes += group.postings.heap_bytes().saturating_sub(before);
        }
    }

    /// Removes an evicted span; frees the group when it has no span and no pin left.
    pub fn unpost(&mut self, id: u32, seq: u32) {
        if let Some(Some(group)) = self.slots.get_mut(id as usize) {
            let before = group.postings.heap_bytes();
            group.postings.pop_front(seq);
            self.bytes = self.bytes.saturating_sub(before.saturating_sub(group.postings.heap_bytes()));
        }
        self.free_if_unused(id);
    }

    fn free_if_unused(&mut self, id: u32) {
        let Some(slot) = self.slots.get_mut(id as usize) else { return };
        if !slot.as_ref().is_some_and(|g| g.pins == 0 && g.postings.is_empty()) {
            return;
        }
        if let Some(group) = slot.take() {
            self.bytes = self.bytes.saturating_sub(group.key.len() * 3 + GROUP_OVERHEAD);
            self.index.remove(&group.key);
            self.free.push(id);
        }
    }

    /// The group's identity: its resource and scope, encoded (equal for equal pairs).
    pub fn key_of(&self, id: u32) -> Option<&[u8]> {
        Some(&self.get(id)?.key)
    }

    /// The group with this id.
    pub fn get(&self, id: u32) -> Option<&Group> {
        self.slots.get(id as usize)?.as_ref()
    }

    /// Every live group with its id.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Group)> {
        self.slots.iter().enumerate().filter_map(|(i, g)| Some((i as u32, g.as_ref()?)))
    }

    /// Renumbers every posting list by `offset`.
    pub fn rebase(&mut self, offset: u32) {
        for group in self.slots.iter_mut().flatten() {
            group.postings.rebase(offset);
        }
    }

    /// Approximate bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}
