// Logs: a LogQL box with the label browser, a volume histogram over the range, and the lines with
// severity colour, a level filter, wrap and JSON prettifying, download, live tail with pause, and
// expandable labels and metadata with filter-for/out buttons.
// State: /logs?query=&from=&to=&limit=&levels=error,warn&wrap=0&pretty=1
import { LOKI, getData } from './api.js';
import { h, fill, empty, fmtTime, kvList, nanos, nanosToMs, seriesName } from './dom.js';
import { params, link, navigate } from './state.js';
import { rangeFrom, rangeSelect, rangeValue, stepFor } from './timerange.js';
import { stackedBarChart, lineChart } from './chart.js';
import { addMatcher, labelBrowser } from './label-browser.js';
import { attachQueryCompletion } from './completion.js';

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
  const span = { start: `${Math.floor(range.from)}000000`, end: `${Math.ceil(range.to)}000000` };
  attachQueryCompletion(input,
    () => getData(`${LOKI}/loki/api/v1/labels`, span, { signal }).then((list) => list || []),
    (name) => getData(`${LOKI}/loki/api/v1/label/${encodeURIComponent(name)}/values`, span, { signal }).then((list) => list || []),
    /[a-zA-Z_][a-zA-Z0-9_]*$/);
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
    getData(`${LOKI}/loki/api/v1/query_range`, { query: `sum by (detected_level) (count_over_time(${query} [${step}s]))`, start: `${range.from}000000`, end: `${range.to}000000`, step }, { signal }),
  ]);
  if (signal.aborted) return;
  // The volume query wraps the user's text, so when both fail only the lines query's message is shown.
  error.textContent = found.status === 'rejected' ? found.reason.message : counts.status === 'rejected' ? counts.reason.message : '';
  if (counts.status === 'fulfilled') {
    const order = ['error', 'warn', 'info', 'debug'];
    const series = (counts.value.result || []).map((r) => ({ name: String(r.metric?.detected_level || 'unknown').toLowerCase().replace(/^warning$/, 'warn'), points: r.values.map(([t, v]) => [t * 1000, Number(v)]) }))
      .sort((a, b) => (order.indexOf(a.name) + 1 || 9) - (order.indexOf(b.name) + 1 || 9));
    fill(volume, h('div', { class: 'muted' }, `Log volume by level (lines per ${stepText(step)}; drag across to zoom)`),
      stackedBarChart(series, { from: range.from, to: range.to, stepMs: step * 1000, onZoom: (from, to) => navigate(link('/logs', { ...Object.fromEntries(params()), from, to })) }));
  }
  volume.parentElement.hidden = counts.status === 'rejected';
  if (found.status === 'fulfilled') fill(lines, logLines(found.value, { query, signal }));
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

/**
 * The entries of a query_range answer, newest first.
 * @param {{result?: import('./types.js').LokiStream[]}} data
 */
function entriesOf(data) {
  const entries = [];
  for (const stream of data.result || []) {
    for (const value of stream.values || []) {
      const [ts, line] = value;
      const extra = value.length > 2 ? /** @type {import('./types.js').LokiCategories} */ (value[2]) : {};
      entries.push({ ts, ns: nanos(ts), line, stream: stream.stream || {}, meta: extra.structuredMetadata || {}, parsed: extra.parsed || {} });
    }
  }
  entries.sort((a, b) => (b.ns > a.ns ? 1 : b.ns < a.ns ? -1 : 0));
  return entries;
}

const LEVELS = ['error', 'warn', 'info', 'debug', 'unknown'];

/** Writes one display option into the URL without a history entry. */
function setOption(key, value) {
  const url = new URL(location.href);
  if (value === '' || value === null) url.searchParams.delete(key); else url.searchParams.set(key, value);
  history.replaceState(history.state, '', url.pathname + url.search);
}

/**
 * The lines with their toolbar: level chips with counts, wrap, prettify, download and live tail.
 * @param {{result?: import('./types.js').LokiStream[]}} data
 * @param {{query: string, signal: AbortSignal}} ctx
 */
function logLines(data, { query, signal }) {
  const entries = entriesOf(data);
  if (!entries.length) return empty('No log lines match this query in this time range.');
  const p = params();
  const shown = new Set((p.get('levels') || '').split(',').filter((l) => LEVELS.includes(l)));
  const options = { wrap: p.get('wrap') !== '0', pretty: p.get('pretty') === '1', query };
  const list = h('div', { 'data-lines': '' });
  const count = h('span', { class: 'muted', 'data-line-count': '' });
  const box = h('div', { class: 'panel loglines' });
  const levelOf = (e) => (LEVELS.includes(severity(e)) ? severity(e) : 'unknown');
  const draw = () => {
    const visible = entries.filter((e) => !shown.size || shown.has(levelOf(e)));
    count.textContent = `${visible.length} of ${entries.length} lines`;
    box.classList.toggle('nowrap', !options.wrap);
    fill(list, visible.map((e) => logLine(e, options)));
  };
  const chips = LEVELS.map((level) => {
    const n = entries.filter((e) => levelOf(e) === level).length;
    if (!n) return null;
    const chip = h('button', { type: 'button', class: `chip sev-${level}`, 'data-level': level, 'aria-pressed': String(shown.has(level)) }, `${level} ${n}`);
    chip.addEventListener('click', () => {
      if (shown.has(level)) shown.delete(level); else shown.add(level);
      chip.setAttribute('aria-pressed', String(shown.has(level)));
      setOption('levels', [...shown].join(','));
      draw();
    });
    return chip;
  });
  const toggle = (label, key, on, apply) => {
    const input = h('input', { type: 'checkbox', 'data-option': key, checked: on });
    input.addEventListener('change', () => { apply(input.checked); draw(); });
    return h('label', { class: 'check' }, input, label);
  };
  let live = null;
  const liveButton = h('button', { type: 'button', 'data-live': '', 'aria-pressed': 'false' }, 'Live tail');
  liveButton.addEventListener('click', () => {
    if (live) { clearInterval(live); live = null; liveButton.textContent = 'Live tail'; liveButton.setAttribute('aria-pressed', 'false'); return; }
    liveButton.textContent = 'Pause';
    liveButton.setAttribute('aria-pressed', 'true');
    const poll = async () => {
      const since = entries.length ? entries[0].ns + 1n : BigInt(Date.now() - 60000) * 1000000n;
      try {
        const fresh = await getData(`${LOKI}/loki/api/v1/query_range`, { query, start: String(since), end: `${Date.now() + 1000}000000`, limit: 500, direction: 'backward' }, { signal, headers: CATEGORIZE });
        const added = entriesOf(fresh).filter((e) => e.ns >= since);
        if (added.length) { entries.unshift(...added); draw(); }
      } catch { /* the next poll retries; the query itself already ran once */ }
    };
    live = setInterval(poll, 2000);
    signal.addEventListener('abort', () => clearInterval(live));
    poll();
  });
  const download = h('button', { type: 'button', 'data-download-logs': '' }, 'Download');
  download.addEventListener('click', () => {
    const text = entries.map((e) => JSON.stringify({ ts: e.ts, line: e.line, labels: e.stream, metadata: e.meta })).join('\n');
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
    const a = h('a', { href: url, download: 'logs.ndjson' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  fill(box,
    h('div', { class: 'toolbar' }, count, h('span', { class: 'sep' }), chips, h('span', { class: 'sep' }),
      toggle('Wrap lines', 'wrap', options.wrap, (on) => { options.wrap = on; setOption('wrap', on ? '' : '0'); }),
      toggle('Prettify JSON', 'pretty', options.pretty, (on) => { options.pretty = on; setOption('pretty', on ? '1' : ''); }),
      liveButton, download),
    list);
  draw();
  return box;
}

/** `query` narrowed by a label filter stage. */
function withFilter(query, key, value, keep) {
  return `${query} | ${key}${keep ? '=' : '!='}${JSON.stringify(String(value))}`;
}

function severity({ stream, meta, parsed }) {
  const level = meta.detected_level || meta.severity_text || stream.detected_level || stream.level || parsed.level || stream.severity_text || '';
  return String(level).toLowerCase().replace(/^warning$/, 'warn');
}

/** A line's text: JSON bodies indented when `pretty`. */
function body(line, pretty) {
  if (pretty && /^\s*[{[]/.test(line)) {
    try { return h('pre', { class: 'json' }, JSON.stringify(JSON.parse(line), null, 2)); } catch { /* not JSON after all */ }
  }
  return line;
}

/** Key/value pairs, each with "filter for" and "filter out" buttons that rerun the query. */
function filterList(pairs, query) {
  const go = (k, text, keep) => navigate(link('/logs', { ...Object.fromEntries(params()), query: withFilter(query, k, text, keep) }));
  return kvList(pairs.map(([k, v]) => {
    const text = typeof v === 'string' ? v : v.textContent;
    return [k, h('span', {}, v,
      h('button', { type: 'button', class: 'mini', title: `only lines with ${k}=${text}`, 'data-filter-for': k, onclick: () => go(k, text, true) }, '+'),
      h('button', { type: 'button', class: 'mini', title: `hide lines with ${k}=${text}`, 'data-filter-out': k, onclick: () => go(k, text, false) }, '−'))];
  }));
}

function logLine(entry, { pretty, query }) {
  const level = severity(entry);
  const traceId = (entry.meta.trace_id || entry.stream.trace_id || TRACE_IN_LINE.exec(entry.line)?.[1] || '').toLowerCase();
  const spanId = String(entry.meta.span_id || entry.stream.span_id || '').toLowerCase();
  const traceHref = traceId ? link(`/trace/${traceId}`, { span: /^[0-9a-f]{16}$/.test(spanId) ? spanId : '' }) : '';
  const toggle = h('span', { class: 'muted' }, '▸');
  const row = h('div', { class: `logline sev-${level || 'unknown'}`, 'data-log-line': '', tabindex: 0, 'aria-expanded': 'false' },
    toggle, h('span', { class: 'muted' }, fmtTime(nanosToMs(entry.ts))),
    h('span', { class: 'lvl' }, level || '—'),
    h('span', { class: 'line' }, body(entry.line, pretty),
      traceId ? h('a', { href: traceHref, 'data-trace-link': traceId, style: { marginLeft: '8px' } }, 'trace ↗') : null));
  let meta = null;
  const expand = () => {
    if (meta) { meta.remove(); meta = null; toggle.textContent = '▸'; row.setAttribute('aria-expanded', 'false'); return; }
    toggle.textContent = '▾';
    row.setAttribute('aria-expanded', 'true');
    meta = h('div', { class: 'meta' },
      h('h3', {}, 'Labels'), filterList(Object.entries(entry.stream), query),
      Object.keys(entry.meta).length ? [h('h3', {}, 'Structured metadata'), filterList(Object.entries(entry.meta).map(([k, v]) =>
        [k, k === 'trace_id' ? h('a', { href: traceHref }, v) : v]), query)] : null,
      Object.keys(entry.parsed).length ? [h('h3', {}, 'Parsed'), filterList(Object.entries(entry.parsed), query)] : null);
    row.append(meta);
  };
  row.addEventListener('click', (event) => {
    if (/** @type {Element} */ (event.target).closest('.meta, a')) return;
    expand();
  });
  row.addEventListener('keydown', (event) => {
    if (event.target === row && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); expand(); }
  });
  return row;
}
