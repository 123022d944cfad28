// Trace search: by service, span name, status and duration (built into TraceQL), or a TraceQL query
// typed directly; results newest first. State: /traces?service=&name=&status=&min=&max=&q=&from=&to=&limit=
import { TEMPO, getJSON } from './api.js';
import { h, fill, empty, fmtDuration, fmtTime, nanos, nanosToMs, normTraceId } from './dom.js';
import { params, link, navigate } from './state.js';
import { rangeFrom, rangeSelect, rangeValue } from './timerange.js';

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
  const range = rangeFrom(p);
  const form = searchForm(p, range);
  const error = h('div', { class: 'error', 'data-error': '' });
  const results = h('div', { 'data-results': '' }, h('p', { class: 'muted' }, 'Searching…'));
  fill(view, h('div', { 'data-view': 'traces' }, h('h1', {}, 'Traces'), h('div', { class: 'panel' }, form, error), results));
  loadServices(form.elements.service, p.get('service'), signal);
  const typed = (p.get('q') || '').trim();
  const q = typed || traceqlFromForm({ service: p.get('service'), name: p.get('name'), status: p.get('status') });
  const query = {
    q: q === '{}' ? undefined : q, minDuration: p.get('min'), maxDuration: p.get('max'),
    limit: p.get('limit') || 50, start: Math.floor(range.from / 1000), end: Math.ceil(range.to / 1000),
  };
  try {
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
    h('label', { class: 'field grow' }, h('span', {}, 'TraceQL (overrides service, span name and status)'),
      h('input', { name: 'q', class: 'query', value: p.get('q') || '', placeholder: '{resource.service.name="peak_trade_smoke_sender" && duration > 10ms}' })),
    h('button', { class: 'primary', type: 'submit' }, 'Search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(['service', 'name', 'status', 'min', 'max', 'limit', 'q'].map((k) => [k, form.elements[k].value.trim()]));
    navigate(link('/traces', { ...values, ...rangeValue(form.elements.range) }));
  });
  form.elements.service.addEventListener('change', () => form.requestSubmit());
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

function resultsTable(traces, p, range) {
  if (traces.length === 0) {
    const filtered = ['service', 'name', 'status', 'min', 'max', 'q'].some((k) => p.get(k));
    return empty(filtered
      ? `No traces match this search between ${fmtTime(range.from)} and ${fmtTime(range.to)}.`
      : 'No traces in this time range yet. Send some over OTLP (see Home for the endpoints), or widen the range.');
  }
  const rows = [...traces].sort((a, b) => (nanos(b.startTimeUnixNano) > nanos(a.startTimeUnixNano) ? 1 : -1));
  return h('table', { 'data-trace-results': '' },
    h('thead', {}, h('tr', {}, ['Start', 'Service', 'Root span', 'Trace id'].map((t) => h('th', {}, t)),
      ['Duration', 'Spans', 'Errors'].map((t) => h('th', { class: 'num' }, t)))),
    h('tbody', {}, rows.map(traceRow)));
}

function traceRow(t) {
  const id = normTraceId(t.traceID);
  const stats = Object.values(t.serviceStats || {});
  const spans = stats.length ? stats.reduce((n, s) => n + (s.spanCount || 0), 0) : t.spanSet?.matched;
  const errors = stats.reduce((n, s) => n + (s.errorCount || 0), 0);
  const startMs = nanosToMs(t.startTimeUnixNano);
  return h('tr', { class: 'click', 'data-trace-id': id, onclick: () => navigate(`/trace/${id}`) },
    h('td', {}, fmtTime(startMs)),
    h('td', {}, t.rootServiceName || '—'),
    h('td', {}, h('a', { href: `/trace/${id}` }, t.rootTraceName || '(root span not yet received)')),
    h('td', { class: 'mono' }, id),
    h('td', { class: 'num' }, t.durationMs === undefined ? '<1ms' : fmtDuration(t.durationMs)),
    h('td', { class: 'num' }, spans ?? '—'),
    h('td', { class: 'num' }, errors ? h('span', { class: 'badge err' }, `✕ ${errors}`) : '0'));
}
