// Trace search: by service, span name, status and duration (built into TraceQL), or a TraceQL query
// typed directly (a bare trace id opens that trace); results sortable on every column, newest first
// by default. State: /traces?service=&name=&status=&min=&max=&q=&from=&to=&limit=&sort=
import { TEMPO, getJSON } from './api.js';
import { h, fill, empty, fmtDuration, fmtTime, nanos, nanosToMs, normTraceId, traceIdInput } from './dom.js';
import { params, link, navigate } from './state.js';
import { rangeFrom, rangeSelect, rangeValue } from './timerange.js';
import { scatterChart } from './chart.js';
import { attachQueryCompletion } from './completion.js';

/** TraceQL names: scoped attributes (`resource.x`, `span.x`) and intrinsics, from the live tags. */
async function tagNames() {
  /** @type {import('./types.js').TempoTagNames} */
  const json = await getJSON(`${TEMPO}/api/v2/search/tags`);
  return (json.scopes || []).flatMap((scope) => (scope.tags || []).map((tag) =>
    (scope.name === 'intrinsic' ? tag : `${scope.name}.${tag}`)));
}

/** A tag's live values. */
async function tagValues(name) {
  /** @type {import('./types.js').TempoTagValues} */
  const json = await getJSON(`${TEMPO}/api/v2/search/tag/${encodeURIComponent(name)}/values`);
  return (json.tagValues || []).map((v) => (typeof v === 'string' ? v : v.value));
}

const quote = (text) => JSON.stringify(String(text));

/** The TraceQL the form's fields mean (`{}` when nothing narrows it). */
export function traceqlFromForm({ service, name, status }) {
  const terms = [];
  if (service) terms.push(`resource.service.name = ${quote(service)}`);
  if (name) terms.push(`name = ${quote(name)}`);
  if (status) terms.push(`status = ${status}`);
  return `{${terms.join(' && ')}}`;
}

export async function render(view, _match, signal) {
  document.title = 'Traces — obs';
  const p = params();
  const bareId = traceIdInput(p.get('q'));
  if (bareId) return navigate(`/trace/${bareId}`, true);
  const range = rangeFrom(p);
  const form = searchForm(p, range);
  const error = h('div', { class: 'error', 'data-error': '' });
  const results = h('div', { 'data-results': '' }, h('p', { class: 'muted' }, 'Searching…'));
  fill(view, h('div', { 'data-view': 'traces' }, h('h1', {}, 'Traces'), h('div', { class: 'panel' }, form, error), results));
  loadServices(form.elements.service, p.get('service'), signal);
  const typed = (p.get('q') || '').trim();
  const q = typed || traceqlFromForm({ service: p.get('service'), name: p.get('name'), status: p.get('status') });
  // `{}` rather than no q: only a TraceQL search answers per-service span and error counts.
  const query = {
    q, minDuration: p.get('min'), maxDuration: p.get('max'),
    limit: p.get('limit') || 50, start: Math.floor(range.from / 1000), end: Math.ceil(range.to / 1000),
  };
  try {
    /** @type {import('./types.js').TempoSearch} */
    const json = await getJSON(`${TEMPO}/api/search`, query, { signal });
    fill(results, resultsTable(json.traces || [], p, range));
  } catch (err) {
    if (signal.aborted) return;
    error.textContent = err.message;
    fill(results);
  }
}

function searchForm(p, range) {
  const field = (label, input) => h('label', { class: 'field' }, h('span', {}, label), input);
  const statusSelect = h('select', { name: 'status' }, ['', 'error', 'ok', 'unset'].map((s) =>
    h('option', { value: s, selected: (p.get('status') || '') === s }, s || 'any')));
  const form = h('form', { 'data-search': 'traces' }, h('div', { class: 'row' },
    field('Service', h('select', { name: 'service' }, h('option', { value: p.get('service') || '' }, p.get('service') || 'any'))),
    field('Span name', h('input', { name: 'name', value: p.get('name') || '', placeholder: 'any', size: 18 })),
    field('Status', statusSelect),
    field('Min duration', h('input', { name: 'min', value: p.get('min') || '', placeholder: 'e.g. 100ms', size: 9 })),
    field('Max duration', h('input', { name: 'max', value: p.get('max') || '', placeholder: 'e.g. 2s', size: 9 })),
    field('Time range', rangeSelect(range)),
    field('Limit', h('input', { name: 'limit', value: p.get('limit') || '50', size: 4 }))),
  h('div', { class: 'row', style: { marginTop: '8px' } },
    h('label', { class: 'field grow' }, h('span', {}, 'TraceQL, or a trace id (overrides service, span name and status)'),
      h('input', { name: 'q', class: 'query', value: p.get('q') || '', placeholder: '{resource.service.name="peak_trade_smoke_sender" && duration > 10ms}' })),
    h('button', { class: 'primary', type: 'submit' }, 'Search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(['service', 'name', 'status', 'min', 'max', 'limit', 'q'].map((k) => [k, form.elements[k].value.trim()]));
    const id = traceIdInput(values.q);
    if (id) return navigate(`/trace/${id}`);
    navigate(link('/traces', { ...values, ...rangeValue(form.elements.range) }));
  });
  form.elements.service.addEventListener('change', () => form.requestSubmit());
  attachQueryCompletion(form.elements.q, tagNames, tagValues, /[a-zA-Z_.][a-zA-Z0-9_.]*$/);
  return form;
}

async function loadServices(select, chosen, signal) {
  try {
    const json = await getJSON(`${TEMPO}/api/search/tag/service.name/values`, {}, { signal });
    const values = (json.tagValues || []).map((v) => (typeof v === 'string' ? v : v.value)).sort();
    if (chosen && !values.includes(chosen)) values.unshift(chosen);
    fill(select, h('option', { value: '' }, 'any'), values.map((v) => h('option', { value: v, selected: v === chosen }, v)));
  } catch { /* the search itself reports API errors */ }
}

/** Sortable columns: header, sort key, value of a result row.
 * @type {[string, string, (r: ReturnType<typeof summary>) => string | number][]} */
const COLUMNS = [
  ['Start', 'start', (r) => r.startMs],
  ['Service', 'service', (r) => r.service],
  ['Root span', 'name', (r) => r.name],
  ['Trace id', 'id', (r) => r.id],
  ['Duration', 'duration', (r) => r.durationMs],
  ['Spans', 'spans', (r) => r.spans ?? -1],
  ['Errors', 'errors', (r) => r.errors ?? -1],
];
const NUMERIC = new Set(['duration', 'spans', 'errors']);

/** One search hit with its counts; a count is undefined when the answer does not carry it.
 * @param {import('./types.js').TempoSearchHit} t */
function summary(t) {
  const stats = t.serviceStats ? Object.values(t.serviceStats) : null;
  return {
    id: normTraceId(t.traceID), startMs: nanosToMs(t.startTimeUnixNano), ns: nanos(t.startTimeUnixNano),
    service: t.rootServiceName || '', name: t.rootTraceName || '', durationMs: t.durationMs ?? 0,
    spans: stats ? stats.reduce((n, s) => n + (s.spanCount || 0), 0) : undefined,
    errors: stats ? stats.reduce((n, s) => n + (s.errorCount || 0), 0) : undefined,
  };
}

function resultsTable(traces, p, range) {
  if (traces.length === 0) {
    const filtered = ['service', 'name', 'status', 'min', 'max', 'q'].some((k) => p.get(k));
    return empty(filtered
      ? `No traces match this search between ${fmtTime(range.from)} and ${fmtTime(range.to)}.`
      : 'No traces in this time range yet. Send some over OTLP (see Home for the endpoints), or widen the range.');
  }
  const rows = traces.map(summary);
  const longest = Math.max(...rows.map((r) => r.durationMs), 1);
  const scatter = scatterChart(rows.map((r) => ({
    t: r.startMs, v: r.durationMs, id: r.id, error: Boolean(r.errors),
    label: `${r.service}: ${r.name} — ${fmtDuration(r.durationMs)} at ${fmtTime(r.startMs)}`,
  })), {
    from: range.from, to: range.to, unit: fmtDuration,
    onPick: (point, event) => (event.ctrlKey || event.metaKey || event.shiftKey
      ? window.open(`/trace/${point.id}`, '_blank', 'noopener') : navigate(`/trace/${point.id}`)),
  });
  const box = h('div', { 'data-trace-table': '' });
  let sort = p.get('sort') || '-start';
  const draw = () => {
    const desc = sort.startsWith('-');
    const key = sort.replace(/^-/, '');
    const column = COLUMNS.find(([, k]) => k === key) || COLUMNS[0];
    const get = column[2];
    const sorted = [...rows].sort((a, b) => {
      const [x, y] = [get(a), get(b)];
      const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - Number(y);
      return desc ? -order : order;
    });
    const header = COLUMNS.map(([title, k]) => {
      const on = k === column[1];
      return h('th', { class: `sort${NUMERIC.has(k) ? ' num' : ''}`, 'aria-sort': on ? (desc ? 'descending' : 'ascending') : 'none', 'data-sort': k },
        h('button', { type: 'button', onclick: () => {
          sort = on && !desc ? `-${k}` : on ? k : (NUMERIC.has(k) || k === 'start' ? `-${k}` : k);
          history.replaceState(history.state, '', link('/traces', { ...Object.fromEntries(params()), sort }));
          draw();
        } }, title, on ? (desc ? ' ▾' : ' ▴') : ''));
    });
    fill(box, h('table', { 'data-trace-results': '' }, h('thead', {}, h('tr', {}, header)),
      h('tbody', {}, sorted.map((r) => traceRow(r, longest)))));
  };
  draw();
  return [h('div', { class: 'panel', 'data-duration-scatter': '' }, h('div', { class: 'muted' }, 'Duration over time (click a dot to open its trace; diamonds have errors)'), scatter), box];
}

function traceRow(r, longest) {
  const href = `/trace/${r.id}`;
  const open = (event) => {
    if (event.target.closest('a')) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) window.open(href, '_blank', 'noopener');
    else navigate(href);
  };
  return h('tr', { class: 'click', 'data-trace-id': r.id, onclick: open },
    h('td', {}, fmtTime(r.startMs)),
    h('td', {}, r.service || '—'),
    h('td', {}, h('a', { href }, r.name || '(root span not yet received)')),
    h('td', { class: 'mono' }, r.id),
    h('td', { class: 'num', 'data-duration': '' },
      h('span', { class: 'dur-bar', style: { width: `${Math.max((r.durationMs / longest) * 80, 1)}px` } }),
      r.durationMs ? fmtDuration(r.durationMs) : '<1ms'),
    h('td', { class: 'num', 'data-spans': '' }, r.spans ?? '—'),
    h('td', { class: 'num', 'data-errors': '' }, r.errors === undefined ? '—' : r.errors ? h('span', { class: 'badge err' }, `✕ ${r.errors}`) : '0'));
}
