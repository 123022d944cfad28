// Logs: a LogQL box with the label browser, a volume histogram over the range, and the lines with
// severity colour and expandable labels and structured metadata. State: /logs?query=&from=&to=&limit=
import { LOKI, getData } from './api.js';
import { h, fill, empty, fmtTime, kvList, nanos, nanosToMs } from './dom.js';
import { params, link, navigate } from './state.js';
import { rangeFrom, rangeSelect, rangeValue, stepFor } from './timerange.js';
import { barChart, lineChart } from './chart.js';
import { addMatcher, labelBrowser } from './label-browser.js';
import { seriesName } from './metrics.js';

const CATEGORIZE = { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' };
const TRACE_IN_LINE = /trace_?id["'=:\s]+([0-9a-fA-F]{32})\b/i;

export async function render(view, _match, signal) {
  document.title = 'Logs — obs';
  const p = params();
  const range = rangeFrom(p);
  const query = (p.get('query') || '').trim();
  const error = h('div', { class: 'error', 'data-error': '' });
  const input = h('input', { name: 'query', class: 'query', value: query, placeholder: '{service_name="peak_trade_smoke_sender"} |= "error"' });
  const form = h('form', { class: 'row', 'data-search': 'logs' },
    h('label', { class: 'field grow' }, h('span', {}, 'LogQL'), input),
    h('label', { class: 'field' }, h('span', {}, 'Time range'), rangeSelect(range)),
    h('label', { class: 'field' }, h('span', {}, 'Limit'), h('input', { name: 'limit', value: p.get('limit') || '500', size: 5 })),
    h('button', { class: 'primary', type: 'submit' }, 'Run query'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(link('/logs', { query: input.value.trim(), limit: form.elements.limit.value.trim(), ...rangeValue(form.elements.range) }));
  });
  const browser = labelBrowser(range, (name, value) => { input.value = addMatcher(input.value, name, value); form.requestSubmit(); }, signal);
  const volume = h('div', { 'data-volume': '' });
  const lines = h('div', { 'data-log-lines': '' });
  fill(view, h('div', { 'data-view': 'logs' }, h('h1', {}, 'Logs'), h('div', { class: 'panel' }, form, error, browser),
    h('div', { class: 'panel' }, volume), lines));
  if (!query) {
    fill(lines, empty('Pick a label value above, or type a LogQL query such as {service_name="peak_trade_smoke_sender"}.'));
    return;
  }
  if (!query.startsWith('{')) return metricQuery(query, range, { error, volume, lines }, signal);
  const step = stepFor(range, 60);
  const [found, counts] = await Promise.allSettled([
    getData(`${LOKI}/loki/api/v1/query_range`, { query, start: `${range.from}000000`, end: `${range.to}000000`, limit: p.get('limit') || 500, direction: 'backward' }, { signal, headers: CATEGORIZE }),
    getData(`${LOKI}/loki/api/v1/query_range`, { query: `sum(count_over_time(${query} [${step}s]))`, start: `${range.from}000000`, end: `${range.to}000000`, step }, { signal }),
  ]);
  if (signal.aborted) return;
  error.textContent = [...new Set([found, counts].filter((r) => r.status === 'rejected').map((r) => r.reason.message))].join('\n');
  if (counts.status === 'fulfilled') {
    const points = (counts.value.result || []).flatMap((r) => r.values.map(([t, v]) => [t * 1000, Number(v)]));
    fill(volume, h('div', { class: 'muted' }, `Log volume (lines per ${stepText(step)})`), barChart(points, { from: range.from, to: range.to, stepMs: step * 1000 }));
  }
  volume.parentElement.hidden = counts.status === 'rejected';
  if (found.status === 'fulfilled') fill(lines, logLines(found.value));
  else fill(lines);
}

async function metricQuery(query, range, { error, volume, lines }, signal) {
  try {
    const data = await getData(`${LOKI}/loki/api/v1/query_range`, { query, start: `${range.from}000000`, end: `${range.to}000000`, step: stepFor(range) }, { signal });
    const series = (data.result || []).map((r) => ({ name: seriesName(r.metric), points: r.values.map(([t, v]) => [t * 1000, Number(v)]) }));
    fill(volume, series.length ? lineChart(series, range) : empty('No series match this metric query.'));
    fill(lines);
  } catch (err) {
    if (!signal.aborted) error.textContent = err.message;
  }
}

const stepText = (s) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);

/** Every line of a query_range answer, newest first. */
function logLines(data) {
  const entries = [];
  for (const stream of data.result || []) {
    for (const [ts, line, extra] of stream.values || []) {
      entries.push({ ts, line, stream: stream.stream || {}, meta: extra?.structuredMetadata || {}, parsed: extra?.parsed || {} });
    }
  }
  if (!entries.length) return empty('No log lines match this query in this time range.');
  for (const entry of entries) entry.ns = nanos(entry.ts);
  entries.sort((a, b) => (b.ns > a.ns ? 1 : b.ns < a.ns ? -1 : 0));
  return h('div', { class: 'panel loglines' }, h('div', { class: 'muted' }, `${entries.length} lines`), entries.map(logLine));
}

function severity({ stream, meta, parsed }) {
  const level = meta.detected_level || meta.severity_text || stream.detected_level || stream.level || parsed.level || stream.severity_text || '';
  return String(level).toLowerCase().replace(/^warning$/, 'warn');
}

function logLine(entry) {
  const level = severity(entry);
  const traceId = (entry.meta.trace_id || entry.stream.trace_id || TRACE_IN_LINE.exec(entry.line)?.[1] || '').toLowerCase();
  const toggle = h('span', { class: 'muted' }, '▸');
  const row = h('div', { class: `logline sev-${level || 'unknown'}`, 'data-log-line': '' },
    toggle, h('span', { class: 'muted' }, fmtTime(nanosToMs(entry.ts))),
    h('span', { class: 'lvl' }, level || '—'),
    h('span', { class: 'line' }, entry.line,
      traceId ? h('a', { href: `/trace/${traceId}`, 'data-trace-link': traceId, style: { marginLeft: '8px' }, onclick: (e) => e.stopPropagation() }, 'trace ↗') : null));
  let meta = null;
  row.addEventListener('click', (event) => {
    if (event.target.closest('.meta')) return;
    if (meta) { meta.remove(); meta = null; toggle.textContent = '▸'; return; }
    toggle.textContent = '▾';
    meta = h('div', { class: 'meta' },
      h('h3', {}, 'Labels'), kvList(Object.entries(entry.stream)),
      Object.keys(entry.meta).length ? [h('h3', {}, 'Structured metadata'), kvList(Object.entries(entry.meta).map(([k, v]) =>
        [k, k === 'trace_id' ? h('a', { href: `/trace/${v}` }, v) : v]))] : null,
      Object.keys(entry.parsed).length ? [h('h3', {}, 'Parsed'), kvList(Object.entries(entry.parsed))] : null);
    row.append(meta);
  });
  return row;
}
