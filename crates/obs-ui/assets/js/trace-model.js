// Turns a Tempo `/api/traces/<id>` answer (v1 `batches` or v2 `trace.resourceSpans`) into a span tree
// with times relative to the trace start, in display order (depth-first, so a subtree is the index range
// [index, end)), with self times, missing parents counted and its critical path marked.
import { nanos } from './dom.js';

/** Hex from a base64 id (Tempo's JSON) or an id that already is hex. */
export function idHex(id) {
  if (!id) return '';
  if (/^[0-9a-fA-F]+$/.test(id) && (id.length === 16 || id.length === 32)) return id.toLowerCase();
  try {
    return Array.from(atob(id), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch {
    return String(id);
  }
}

/** A readable value from an OTLP AnyValue. */
export function anyValue(v) {
  if (!v || typeof v !== 'object') return String(v ?? '');
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) return String(v.intValue);
  if ('doubleValue' in v) return String(v.doubleValue);
  if ('boolValue' in v) return String(v.boolValue);
  if ('bytesValue' in v) return v.bytesValue;
  if ('arrayValue' in v) return `[${(v.arrayValue.values || []).map(anyValue).join(', ')}]`;
  if ('kvlistValue' in v) return `{${(v.kvlistValue.values || []).map((kv) => `${kv.key}: ${anyValue(kv.value)}`).join(', ')}}`;
  return JSON.stringify(v);
}

/** `[key, text]` pairs from OTLP attributes. */
export function attrs(list) {
  return (list || []).map((kv) => [kv.key, anyValue(kv.value)]);
}


/**
 * The trace, or null when the answer holds no spans.
 * @param {import('./types.js').TempoTrace} json
 */
export function parseTrace(json) {
  const batches = json.batches || json.trace?.resourceSpans || json.resourceSpans || [];
  const raw = [];
  for (const batch of batches) {
    const resource = attrs(batch.resource?.attributes);
    const service = resource.find(([k]) => k === 'service.name')?.[1] || 'unknown_service';
    for (const scopeSpans of batch.scopeSpans || batch.instrumentationLibrarySpans || []) {
      const scope = scopeSpans.scope || scopeSpans.instrumentationLibrary || {};
      for (const span of scopeSpans.spans || []) raw.push({ span, resource, service, scope, otlpResource: batch.resource });
    }
  }
  if (raw.length === 0) return null;
  let base = null;
  for (const { span } of raw) {
    const start = nanos(span.startTimeUnixNano);
    if (base === null || start < base) base = start;
  }
  const spans = raw.map(({ span, resource, service, scope, otlpResource }) => {
    const parsed = toSpan(span, resource, service, scope, base);
    parsed.otlpResource = otlpResource;
    return parsed;
  });
  return buildTree(spans, base);
}

/** OTLP's numeric span kinds. */
const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

function toSpan(span, resource, service, scope, base) {
  const start = Number(nanos(span.startTimeUnixNano) - base) / 1e6;
  const end = Number(nanos(span.endTimeUnixNano || span.startTimeUnixNano) - base) / 1e6;
  const code = String(span.status?.code ?? 'STATUS_CODE_UNSET').replace('STATUS_CODE_', '');
  return {
    id: idHex(span.spanId), parentId: idHex(span.parentSpanId), traceId: idHex(span.traceId),
    name: span.name || '(no name)', kind: KINDS[Number(span.kind)] || String(span.kind || 'SPAN_KIND_UNSPECIFIED').replace('SPAN_KIND_', ''),
    start, end: Math.max(end, start), duration: Math.max(end - start, 0), service, resource, scope,
    attributes: attrs(span.attributes),
    events: (span.events || []).map((e) => ({ name: e.name, at: Number(nanos(e.timeUnixNano) - base) / 1e6, attributes: attrs(e.attributes) })),
    links: (span.links || []).map((l) => ({ traceId: idHex(l.traceId), spanId: idHex(l.spanId), attributes: attrs(l.attributes) })),
    status: { code: code === '2' ? 'ERROR' : code === '1' ? 'OK' : code === '0' ? 'UNSET' : code, message: span.status?.message || '' },
    children: [], depth: 0, critical: false, index: 0, after: 0, self: 0, parent: null, raw: span,
  };
}

function buildTree(spans, base) {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const roots = [];
  let orphans = 0;
  for (const span of spans) {
    const parent = span.parentId && byId.get(span.parentId);
    if (parent && parent !== span) {
      parent.children.push(span);
      span.parent = parent;
    } else {
      roots.push(span);
      if (span.parentId) orphans += 1;
    }
  }
  const byStart = (a, b) => a.start - b.start;
  roots.sort(byStart);
  const order = [];
  const stack = roots.map((r) => [r, 0]).reverse();
  while (stack.length) {
    const [span, depth] = stack.pop();
    span.depth = depth;
    order.push(span);
    span.children.sort(byStart);
    for (let i = span.children.length - 1; i >= 0; i--) stack.push([span.children[i], depth + 1]);
  }
  for (let i = 0; i < order.length; i++) order[i].index = i;
  for (let i = order.length - 1; i >= 0; i--) {
    const span = order[i];
    span.after = span.children.length ? span.children[span.children.length - 1].after : i + 1;
    span.self = selfTime(span);
  }
  const duration = spans.reduce((max, s) => Math.max(max, s.end), 0);
  const root = roots.reduce((a, b) => (b.duration > a.duration ? b : a), roots[0]);
  markCritical(root);
  const services = new Set(spans.map((s) => s.service));
  return {
    id: root.traceId, spans: order, roots, root, duration, services: [...services], startNanos: base,
    startMs: Number(base / 1000000n), errors: spans.filter((s) => s.status.code === 'ERROR').length, orphans,
  };
}

/** A span's duration minus the time covered by its children (children sorted by start). */
function selfTime(span) {
  let covered = 0;
  let until = span.start;
  for (const child of span.children) {
    const from = Math.max(child.start, until);
    const to = Math.min(child.end, span.end);
    if (to > from) {
      covered += to - from;
      until = to;
    }
  }
  return Math.max(span.duration - covered, 0);
}

/** Marks the critical path: walking back from a span's end, the child that finished last, then the
 * child that finished before that one started, and so on, recursively. */
function markCritical(root) {
  const stack = [root];
  while (stack.length) {
    const span = stack.pop();
    span.critical = true;
    let cursor = span.end;
    const children = [...span.children].sort((a, b) => b.end - a.end);
    for (const child of children) {
      if (child.end <= cursor + 1e-9 && child.start < cursor) {
        stack.push(child);
        cursor = child.start;
      }
    }
  }
}
