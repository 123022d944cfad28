// Home: services seen with span rate, error rate and p95 (computed from Tempo search over the range),
// store fill and eviction counters, and where to send telemetry. State: /?from=&to=
import { TEMPO, PROM, getJSON } from './api.js';
import { h, fill, empty, fmtDuration, fmtNumber, kvList } from './dom.js';
import { params, link, navigate } from './state.js';
import { rangeFrom, rangeSelect, rangeValue } from './timerange.js';

const SAMPLE = 500;

/** The p-th percentile (0..1) of numbers, nearest rank. */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

export async function render(view, _match, signal) {
  document.title = 'obs — home';
  const range = rangeFrom(params());
  const select = rangeSelect(range);
  select.addEventListener('change', () => navigate(link('/', rangeValue(select))));
  const services = h('div', { 'data-services': '' }, h('p', { class: 'muted' }, 'Loading services…'));
  const stores = h('div', { 'data-stores': '' });
  const endpoints = h('div', { 'data-endpoints': '' });
  fill(view, h('div', { 'data-view': 'home' },
    h('div', { class: 'row', style: { justifyContent: 'space-between', alignItems: 'center', marginBottom: '12px' } }, h('h1', { style: { margin: 0 } }, 'Services'), select),
    h('div', { class: 'panel' }, services),
    h('h2', {}, 'Stores'), stores,
    h('h2', {}, 'Send telemetry here'), endpoints));
  await Promise.all([drawServices(services, range, signal), drawStores(stores, signal), drawEndpoints(endpoints, signal)]);
}

async function drawServices(box, range, signal) {
  let names;
  try {
    const json = await getJSON(`${TEMPO}/api/search/tag/service.name/values`, {}, { signal });
    names = (json.tagValues || []).map((v) => (typeof v === 'string' ? v : v.value)).sort();
  } catch (err) {
    return signal.aborted || fill(box, h('div', { class: 'error' }, err.message));
  }
  if (!names.length) return fill(box, empty('No data yet: no service has sent a span. Send telemetry to the OTLP endpoints below, for example with `cargo xtask obs-smoke`.'));
  const rows = await Promise.all(names.slice(0, 30).map((name) => serviceStats(name, range, signal)));
  if (signal.aborted) return;
  fill(box,
    h('table', { 'data-service-table': '' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Service'), ['Traces', 'Spans', 'Span rate', 'Error rate', 'p95 trace duration'].map((t) => h('th', { class: 'num' }, t)))),
      h('tbody', {}, rows.map((r) => serviceRow(r, range)))),
    h('p', { class: 'muted' }, `Computed in the browser from Tempo search (TraceQL {resource.service.name="…"}, the ${SAMPLE} newest traces per service in the range): `,
      'span rate = spans / range, error rate = error spans / spans, p95 over trace durations. The embedded backend has no span-metrics generator, so these are not Prometheus series.'));
}

async function serviceStats(name, range, signal) {
  const query = { q: `{resource.service.name = ${JSON.stringify(name)}}`, limit: SAMPLE, start: Math.floor(range.from / 1000), end: Math.ceil(range.to / 1000) };
  try {
    /** @type {import('./types.js').TempoSearch} */
    const json = await getJSON(`${TEMPO}/api/search`, query, { signal });
    const traces = json.traces || [];
    let spans = 0;
    let errors = 0;
    for (const t of traces) {
      const own = t.serviceStats?.[name];
      spans += own?.spanCount ?? t.spanSet?.matched ?? 0;
      errors += own?.errorCount ?? 0;
    }
    return { name, traces: traces.length, spans, errors, p95: percentile(traces.map((t) => t.durationMs ?? 0), 0.95) };
  } catch (err) {
    return { name, error: err.message };
  }
}

function serviceRow(r, range) {
  const name = h('td', {}, h('a', { href: link('/traces', { service: r.name, from: range.fromText, to: range.toText }) }, r.name));
  if (r.error) return h('tr', {}, name, h('td', { colspan: 5, class: 'error' }, r.error));
  return h('tr', { 'data-service': r.name }, name,
    h('td', { class: 'num' }, `${r.traces}${r.traces >= SAMPLE ? '+' : ''}`),
    h('td', { class: 'num' }, r.spans),
    h('td', { class: 'num' }, `${fmtNumber(r.spans / range.seconds)}/s`),
    h('td', { class: 'num' }, r.spans ? h('span', { class: r.errors ? 'badge err' : '' }, `${((100 * r.errors) / r.spans).toFixed(r.errors ? 1 : 0)}%`) : '—'),
    h('td', { class: 'num' }, r.traces ? (r.p95 < 1 ? '<1ms' : fmtDuration(r.p95)) : '—'));
}

async function drawStores(box, signal) {
  try {
    const status = await getJSON('/obs-embedded/status', {}, { signal });
    const order = ['traces', 'logs', 'metrics'];
    const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
    const cards = Object.entries(status.stores || {}).sort(([a], [b]) => rank(a) - rank(b)).map(([name, s]) => storeCard(name, s));
    fill(box, h('div', { class: 'cards' }, cards),
      h('p', { class: 'muted' }, `From /obs-embedded/status (pid ${status.pid}, up ${fmtDuration((status.uptime_seconds || 0) * 1000)}). The same counters are Prometheus series: `,
        h('a', { href: link('/metrics', { query: '{__name__=~"obs_embedded_.+"}' }) }, 'obs_embedded_*'), '.'));
  } catch (err) {
    if (!signal.aborted) await storesFromPrometheus(box, err, signal);
  }
}

function storeCard(name, s) {
  const pct = (a, b) => (b ? Math.min(100, (100 * a) / b) : 0);
  return h('div', { class: 'panel card', 'data-store': name },
    h('div', { class: 'muted' }, name),
    h('div', { class: 'big' }, `${s.items.toLocaleString()} / ${s.max_items.toLocaleString()}`),
    h('div', { class: 'bar', title: 'items held / cap' }, h('div', { style: { width: `${pct(s.items, s.max_items)}%` } })),
    h('div', { class: 'bar', title: 'bytes held / cap' }, h('div', { style: { width: `${pct(s.bytes, s.max_bytes)}%` } })),
    kvList([['bytes', `${(s.bytes / 1048576).toFixed(1)} / ${(s.max_bytes / 1048576).toFixed(0)} MiB`],
      ['ingested', s.ingested.toLocaleString()], ['evicted', s.evicted.toLocaleString()], ['refused', s.refused.toLocaleString()]]));
}

async function storesFromPrometheus(box, statusError, signal) {
  try {
    const json = await getJSON(`${PROM}/api/v1/query`, { query: '{__name__=~"obs_embedded_.+"}' }, { signal });
    const result = json.data?.result || [];
    if (!result.length) return fill(box, empty(`No store counters: ${statusError.message}`));
    fill(box, h('div', { class: 'panel' }, kvList(result.map((r) => [r.metric.__name__ + labelText(r.metric), r.value[1]]))));
  } catch (err) {
    if (!signal.aborted) fill(box, h('div', { class: 'error' }, `store counters unavailable: ${statusError.message}; ${err.message}`));
  }
}

function labelText(metric) {
  const pairs = Object.entries(metric).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}="${v}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

async function drawEndpoints(box, signal) {
  try {
    const urls = await getJSON('/ui/config.json', {}, { signal });
    fill(box, h('div', { class: 'panel' }, kvList([
      ['OTLP gRPC', urls.otlp_grpc], ['OTLP HTTP', urls.otlp_http],
      // The obs library and the OTel SDKs default to http/protobuf: the bare endpoint is the HTTP port.
      ['environment (http/protobuf)', `OTEL_EXPORTER_OTLP_ENDPOINT=${urls.otlp_http}`],
      ['environment (gRPC)', `OTEL_EXPORTER_OTLP_PROTOCOL=grpc OTEL_EXPORTER_OTLP_ENDPOINT=${urls.otlp_grpc}`],
      ['Tempo API', urls.tempo], ['Loki API', urls.loki], ['Prometheus API', urls.prometheus],
    ])));
  } catch (err) {
    if (!signal.aborted) fill(box, h('div', { class: 'error' }, err.message));
  }
}
