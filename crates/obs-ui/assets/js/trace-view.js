// The trace view: a header (with notes when the trace is large or has missing parents), a toolbar
// (search with n of N, next error, collapse and expand by level), the virtualized waterfall and the
// selected span's details. State: /trace/<id>?span=<span id>&find=<text>&zoom=<from ms>-<to ms>; collapse state is kept in
// localStorage per trace, so it survives a reload.
import { TEMPO, getJSON } from './api.js';
import { h, fill, empty, fmtDuration, fmtTime, colour, normTraceId } from './dom.js';
import { params, link } from './state.js';
import { parseTrace } from './trace-model.js';
import { spanDetails, logsQueryLink } from './span-details.js';
import { waterfall } from './waterfall.js';
import { minimap } from './minimap.js';

/** Above this many spans the header says the trace is large. */
const LARGE = 5000;

/** The Logs page URL showing every service's log lines of this trace. */
export function logsLink(traceId, startMs, durationMs) {
  return logsQueryLink(`| trace_id="${traceId}"`, startMs, durationMs);
}

export async function render(view, [rawId], signal) {
  const root = h('div', { 'data-view': 'trace' });
  fill(view, root);
  if (!/^[0-9a-fA-F]{1,32}$/.test(rawId)) {
    fill(root, empty(`"${rawId}" is not a trace id: a trace id is up to 32 hex characters.`));
    return;
  }
  const id = normTraceId(rawId);
  document.title = `Trace ${id} — obs`;
  fill(root, h('p', { class: 'muted', 'data-loading': '' }, `Loading trace ${id}…`));
  /** @type {import('./types.js').TempoTrace} */
  let json;
  try {
    json = await getJSON(`${TEMPO}/api/traces/${id}`, {}, { signal });
  } catch (err) {
    if (signal.aborted) return;
    if (err.status === 404) return fill(root, notFound(id));
    return fill(root, h('h1', {}, `Trace ${id}`), h('div', { class: 'error' }, err.message));
  }
  const trace = parseTrace(json);
  if (!trace) return fill(root, notFound(id));
  trace.raw = json;
  drawTrace(root, trace, id, signal);
  performance.mark('obs:trace-interactive');
}

function notFound(id) {
  return empty(`Trace ${id} was not found. It may not have arrived yet, or it was evicted. `,
    h('a', { href: '/traces' }, 'Search traces'));
}

const storageKey = (id) => `obs.collapsed.${id}`;

function loadCollapsed(id, trace) {
  const flags = new Uint8Array(trace.spans.length);
  try {
    const ids = new Set(JSON.parse(localStorage.getItem(storageKey(id)) || '[]'));
    for (const span of trace.spans) if (ids.has(span.id) && span.children.length) flags[span.index] = 1;
  } catch { /* no or unreadable saved state: all expanded */ }
  return flags;
}

function saveCollapsed(id, trace, flags) {
  const ids = [];
  for (let i = 0; i < flags.length; i++) if (flags[i]) ids.push(trace.spans[i].id);
  try {
    if (ids.length) localStorage.setItem(storageKey(id), JSON.stringify(ids));
    else localStorage.removeItem(storageKey(id));
  } catch { /* storage full or disabled: the state lasts until reload */ }
}

/** Lower-case text a span is searched by: name, service, ids, kind, status and attribute values. */
function searchText(span) {
  if (span.searchText === undefined) {
    span.searchText = [span.name, span.service, span.id, span.kind, span.status.code, span.status.message,
      ...span.attributes.map(([k, v]) => `${k}=${v}`)].join('\n').toLowerCase();
  }
  return span.searchText;
}

const UNIT_MS = { us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000 };

/**
 * A span test from what was typed in Find: space-separated terms that must all hold. `service:x`,
 * `status:error`, `kind:server`, `dur>10ms` / `dur<1s` filter on those fields; `key=value` matches an
 * attribute; anything else is a case-insensitive substring of name, service, ids or attributes.
 * @param {string} text
 * @returns {((span: any) => boolean) | null}
 */
export function spanFilter(text) {
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length) return null;
  const tests = terms.map((term) => {
    const field = /^(service|status|kind|name):(.+)$/.exec(term);
    if (field) {
      const [, key, value] = field;
      if (key === 'status') return (s) => s.status.code.toLowerCase() === value;
      if (key === 'kind') return (s) => s.kind.toLowerCase() === value;
      return (s) => String(s[key]).toLowerCase().includes(value);
    }
    const duration = /^dur(>=?|<=?)(\d+(?:\.\d+)?)(us|µs|ms|s|m)$/.exec(term);
    if (duration) {
      const limit = Number(duration[2]) * UNIT_MS[duration[3]];
      return duration[1].startsWith('>') ? (s) => s.duration >= limit : (s) => s.duration <= limit;
    }
    return (s) => searchText(s).includes(term);
  });
  return (span) => tests.every((t) => t(span));
}

function drawTrace(root, trace, id, signal) {
  const p = params();
  const services = trace.services;
  const colourOf = (service) => colour(service, services.indexOf(service));
  const byId = new Map(trace.spans.map((s) => [s.id, s]));
  const details = h('div', { class: 'details-wrap' });
  const zoomParam = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(p.get('zoom') || '');
  /** @type {{selected: any, find: string, matches: number[], current: number, zoom: [number, number] | null}} */
  const state = {
    selected: byId.get(p.get('span') || '') || trace.root, find: p.get('find') || '', matches: [], current: -1,
    zoom: zoomParam && Number(zoomParam[2]) > Number(zoomParam[1]) ? [Number(zoomParam[1]), Number(zoomParam[2])] : null,
  };
  const flags = loadCollapsed(id, trace);
  let saveTimer = 0;
  const wf = waterfall(trace, {
    collapsed: flags, colourOf,
    onSelect: (span) => select(span),
    onCollapse: () => { clearTimeout(saveTimer); saveTimer = setTimeout(() => saveCollapsed(id, trace, flags), 200); },
  });
  const zoomText = () => (state.zoom ? state.zoom.map((v) => Number(v.toFixed(3))).join('-') : '');
  const writeUrl = () => history.replaceState(history.state, '', link(location.pathname, { span: state.selected.id, find: state.find, zoom: zoomText() }));
  if (state.zoom) wf.setZoom(...state.zoom);
  const map = minimap(trace, {
    colourOf, zoom: state.zoom,
    onZoom: (range) => { state.zoom = range; if (range) wf.setZoom(...range); else wf.setZoom(0, 0); writeUrl(); },
  });

  let detailsAbort = null;
  function select(span, reveal = false) {
    state.selected = span;
    writeUrl();
    wf.select(span);
    if (reveal) wf.reveal(span);
    detailsAbort?.abort();
    detailsAbort = new AbortController();
    const both = AbortSignal.any([signal, detailsAbort.signal]);
    fill(details, spanDetails(span, trace, { select: (s) => select(s, true), signal: both }));
  }

  const counter = h('span', { class: 'muted', 'data-find-count': '', 'aria-live': 'polite' });
  const findBox = h('input', { type: 'search', name: 'find', value: state.find, placeholder: 'Find: text, service:x status:error dur>10ms key=value', title: 'Find spans: text matches names, services, ids and attributes; service:, status:, kind:, name:, dur>… and dur<… filter', size: 44, 'aria-label': 'Find in this trace' });
  let found = new Uint8Array(trace.spans.length);
  function runFind(initial = false) {
    state.find = findBox.value.trim();
    const term = state.find.toLowerCase();
    const test = spanFilter(state.find);
    found = new Uint8Array(trace.spans.length);
    state.matches = [];
    if (test) {
      for (const span of trace.spans) {
        if (test(span)) { found[span.index] = 1; state.matches.push(span.index); }
      }
    }
    const here = initial ? state.matches.indexOf(state.selected.index) : -1;
    state.current = state.matches.length ? Math.max(here, 0) : -1;
    counter.textContent = term ? (state.matches.length ? `${state.current + 1} of ${state.matches.length}` : 'no match') : '';
    wf.setMatches(found, state.current >= 0 ? state.matches[state.current] : -1);
    writeUrl();
    if (state.current >= 0 && !initial) showMatch();
  }
  function showMatch() {
    const span = trace.spans[state.matches[state.current]];
    counter.textContent = `${state.current + 1} of ${state.matches.length}`;
    wf.setMatches(found, span.index);
    select(span, true);
  }
  const step = (delta) => {
    if (!state.matches.length) return;
    state.current = (state.current + delta + state.matches.length) % state.matches.length;
    showMatch();
  };
  let findTimer = 0;
  findBox.addEventListener('input', () => { clearTimeout(findTimer); findTimer = setTimeout(runFind, 150); });
  findBox.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    clearTimeout(findTimer);
    if (findBox.value.trim() !== state.find) runFind(); else step(event.shiftKey ? -1 : 1);
  });
  const nextError = () => {
    const spans = trace.spans;
    for (let k = 1; k <= spans.length; k++) {
      const span = spans[(state.selected.index + k) % spans.length];
      if (span.status.code === 'ERROR') return select(span, true);
    }
  };
  const button = (label, attr, onclick, title) => h('button', { type: 'button', [attr]: '', onclick, title }, label);
  const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Trace tools' },
    findBox, counter,
    button('↑', 'data-find-prev', () => step(-1), 'previous match (Shift+Enter)'),
    button('↓', 'data-find-next', () => step(1), 'next match (Enter)'),
    trace.errors ? button('Next error', 'data-next-error', nextError, 'select the next span with status ERROR') : null,
    h('span', { class: 'sep' }),
    button('Collapse all', 'data-collapse-all', () => wf.collapseAll()),
    button('Expand all', 'data-expand-all', () => wf.expandAll()),
    button('− level', 'data-collapse-level', () => wf.collapseLevel(), 'collapse the deepest open level'),
    button('+ level', 'data-expand-level', () => wf.expandLevel(), 'open one more level'));

  const notes = [];
  if (trace.spans.length >= LARGE) {
    notes.push(h('div', { class: 'note', 'data-note': 'large' },
      `Large trace: ${trace.spans.length.toLocaleString('en-US')} spans. Only the rows in view are drawn; use Find, Next error and the level buttons to move around.`));
  }
  if (trace.orphans) {
    notes.push(h('div', { class: 'note', 'data-note': 'partial' },
      `Incomplete trace: ${trace.orphans} span${trace.orphans === 1 ? ' has a parent' : 's have parents'} not in this trace (not yet received, or evicted from the store). They are shown as extra roots.`));
  }
  const rootService = trace.root.service;
  fill(root,
    h('div', { class: 'trace-head' },
      h('h1', {}, `${rootService}: ${trace.root.name}`),
      h('span', { class: 'mono muted' }, id),
      h('a', { href: logsLink(id, trace.startMs, trace.duration), 'data-logs-link': '' }, 'Logs for this trace'),
      h('a', { href: link('/traces', { service: rootService }) }, 'More traces of this service')),
    h('p', { class: 'muted' },
      `${fmtTime(trace.startMs)} · duration ${fmtDuration(trace.duration)} · ${trace.spans.length.toLocaleString('en-US')} span${trace.spans.length === 1 ? '' : 's'} · `,
      h('span', { class: trace.errors ? 'badge err' : 'badge', 'data-error-count': '' }, `${trace.errors} error${trace.errors === 1 ? '' : 's'}`),
      '  ', h('span', { class: 'legend-crit' }), 'critical path'),
    h('div', { class: 'services', 'data-services-legend': '' }, services.map((s) =>
      h('span', { class: 'svc-chip' }, h('i', { style: { background: colourOf(s) } }), s))),
    notes, toolbar, map.el,
    h('div', { class: 'trace-layout' }, wf.el, details));
  wf.draw();
  if (state.find) runFind(true);
  select(state.selected, true);
}
