// Metrics: a PromQL box with metric-name completion, a time-series chart over the range and the
// instant values at its end. State: /metrics?query=&from=&to=&step=
import { PROM, getData } from './api.js';
import { h, fill, empty, fmtNumber, seriesName } from './dom.js';
export { seriesName };
import { params, link, navigate } from './state.js';
import { rangeFrom, rangeSelect, rangeValue, stepFor } from './timerange.js';
import { lineChart } from './chart.js';
import { attachCompletion } from './completion.js';

/** `name{a="b", ...}` for a series' labels. */
export async function render(view, _match, signal) {
  document.title = 'Metrics — obs';
  const p = params();
  const range = rangeFrom(p);
  const query = (p.get('query') || '').trim();
  const names = [];
  const error = h('div', { class: 'error', 'data-error': '' });
  const input = h('input', { name: 'query', class: 'query', value: query, autocomplete: 'off', placeholder: 'PromQL, e.g. rate(peak_trade_smoke_total[5m])' });
  const form = h('form', { class: 'row', 'data-search': 'metrics' },
    h('label', { class: 'field grow' }, h('span', {}, 'PromQL'), input),
    h('label', { class: 'field' }, h('span', {}, 'Time range'), rangeSelect(range)),
    h('label', { class: 'field' }, h('span', {}, 'Step'), h('input', { name: 'step', value: p.get('step') || '', placeholder: 'auto', size: 5 })),
    h('button', { class: 'primary', type: 'submit' }, 'Run query'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(link('/metrics', { query: input.value.trim(), step: form.elements.step.value.trim(), ...rangeValue(form.elements.range) }));
  });
  const chart = h('div', { 'data-chart': '' });
  const table = h('div', { 'data-instant': '' });
  fill(view, h('div', { 'data-view': 'metrics' }, h('h1', {}, 'Metrics'), h('div', { class: 'panel' }, form, error),
    h('div', { class: 'panel' }, chart), h('div', { class: 'panel' }, h('h2', { style: { marginTop: 0 } }, 'Instant values'), table)));
  attachCompletion(input, () => names);
  getData(`${PROM}/api/v1/label/__name__/values`, {}, { signal }).then((list) => names.push(...list)).catch(() => {});
  if (!query) {
    fill(chart, empty('Type a PromQL query, e.g. ', h('a', { href: link('/metrics', { query: 'peak_trade_smoke_total' }) }, 'peak_trade_smoke_total'),
      ' or ', h('a', { href: link('/metrics', { query: '{__name__=~"obs_embedded_.+"}' }) }, 'the server\'s own metrics'), '.'));
    return;
  }
  const step = p.get('step') || stepFor(range);
  const start = range.from / 1000;
  const end = range.to / 1000;
  const [ranged, instant] = await Promise.allSettled([
    getData(`${PROM}/api/v1/query_range`, { query, start, end, step }, { signal }),
    getData(`${PROM}/api/v1/query`, { query, time: end }, { signal }),
  ]);
  if (signal.aborted) return;
  error.textContent = [...new Set([ranged, instant].filter((r) => r.status === 'rejected').map((r) => r.reason.message))].join('\n');
  chart.parentElement.hidden = ranged.status === 'rejected';
  table.parentElement.hidden = instant.status === 'rejected';
  if (ranged.status === 'fulfilled') fill(chart, drawRange(ranged.value, range));
  if (instant.status === 'fulfilled') fill(table, instantTable(instant.value));
}

/** @param {import('./types.js').PromData} data */
function drawRange(data, range) {
  /** @type {import('./types.js').PromRange[]} */
  const result = data.resultType === 'matrix' ? data.result : [];
  if (!result.length) return empty('No series: the query matched no data in this time range.');
  const series = result.map((r) => ({ name: seriesName(r.metric), points: r.values.map(([t, v]) => [t * 1000, Number(v)]) }));
  return lineChart(series, { from: range.from, to: range.to });
}

/** @param {import('./types.js').PromData} data */
function instantTable(data) {
  let rows = [];
  if (data.resultType === 'vector') rows = data.result.map((r) => [seriesName(r.metric), r.value[1]]);
  else if (data.resultType === 'scalar' || data.resultType === 'string') rows = [[data.resultType, data.result[1]]];
  else if (data.resultType === 'matrix') rows = data.result.map((r) => [seriesName(r.metric), r.values.at(-1)?.[1]]);
  if (!rows.length) return empty('No values at the end of the range.');
  return h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Series'), h('th', { class: 'num' }, 'Value'))),
    h('tbody', {}, rows.map(([name, value]) => h('tr', {}, h('td', { class: 'mono' }, name),
      h('td', { class: 'num mono' }, Number.isFinite(Number(value)) ? fmtNumber(Number(value)) : value)))));
}
