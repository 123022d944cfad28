// The trace view: a header, the span waterfall (nesting, bars on one timeline, durations, the critical
// path outlined) and the details of the selected span. State: /trace/<id>?span=<span id>.
import { TEMPO, getJSON } from './api.js';
import { h, fill, empty, fmtDuration, fmtTime, colour, normTraceId } from './dom.js';
import { params, link } from './state.js';
import { parseTrace } from './trace-model.js';
import { spanDetails } from './span-details.js';

/** The Logs page URL showing this trace's log lines. */
export function logsLink(service, traceId, startMs, durationMs) {
  const query = `{service_name="${service}"} | trace_id="${traceId}"`;
  return link('/logs', { query, from: Math.floor(startMs - 9e5), to: Math.ceil(startMs + durationMs + 9e5) });
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
  fill(root, h('p', { class: 'muted' }, `Loading trace ${id}…`));
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
  drawTrace(root, trace, id);
}

function notFound(id) {
  return empty(`Trace ${id} was not found. It may not have arrived yet, or it was evicted. `,
    h('a', { href: '/traces' }, 'Search traces'));
}

function drawTrace(root, trace, id) {
  const service = trace.root.service;
  const details = h('div');
  const waterfall = h('div', { class: 'waterfall', 'data-waterfall': '' });
  const state = { collapsed: new Set(), selected: params().get('span') || trace.root.id };
  const select = (spanId) => {
    state.selected = spanId;
    history.replaceState(null, '', link(location.pathname, { span: spanId }));
    for (const row of waterfall.querySelectorAll('.wf-row.sel')) row.classList.remove('sel');
    waterfall.querySelector(`[data-span-id="${spanId}"]`)?.classList.add('sel');
    const span = trace.spans.find((s) => s.id === spanId);
    fill(details, span ? spanDetails(span) : null);
  };
  const redraw = () => drawWaterfall(waterfall, trace, state, select, redraw);
  fill(root,
    h('div', { class: 'trace-head' },
      h('h1', {}, `${service}: ${trace.root.name}`),
      h('span', { class: 'mono muted' }, id),
      h('a', { href: logsLink(service, id, trace.startMs, trace.duration), 'data-logs-link': '' }, 'Logs for this trace'),
      h('a', { href: link('/traces', { service }) }, 'More traces of this service')),
    h('p', { class: 'muted' },
      `${fmtTime(trace.startMs)} · duration ${fmtDuration(trace.duration)} · ${trace.spans.length} span${trace.spans.length === 1 ? '' : 's'} · `,
      `${trace.services.length} service${trace.services.length === 1 ? '' : 's'} · `,
      h('span', { class: trace.errors ? 'badge err' : 'badge' }, `${trace.errors} error${trace.errors === 1 ? '' : 's'}`),
      '  ', h('span', { class: 'legend-crit' }), 'critical path'),
    h('div', { class: 'trace-layout' }, waterfall, details));
  redraw();
  select(trace.spans.some((s) => s.id === state.selected) ? state.selected : trace.root.id);
}

function drawWaterfall(waterfall, trace, state, select, redraw) {
  const total = trace.duration || 1;
  const ticks = [0, 0.25, 0.5, 0.75].map((f) =>
    h('div', { class: 'wf-tick', style: { left: `${f * 100}%` } }, fmtDuration(total * f)));
  const rows = [h('div', { class: 'wf-head' }, h('div', { class: 'wf-name' }, 'Span'), h('div', { class: 'wf-lane' }, ticks))];
  let hiddenBelow = Infinity;
  for (const span of trace.spans) {
    if (span.depth > hiddenBelow) continue;
    hiddenBelow = state.collapsed.has(span.id) ? span.depth : Infinity;
    rows.push(row(span, total, state, select, redraw));
  }
  fill(waterfall, rows);
  waterfall.querySelector(`[data-span-id="${state.selected}"]`)?.classList.add('sel');
}

/** Indentation in pixels: full steps near the root, then compressed so deep trees keep their names visible. */
function indent(depth) {
  return depth <= 8 ? depth * 14 : Math.min(112 + (depth - 8) * 3, 200);
}

function row(span, total, state, select, redraw) {
  const left = (span.start / total) * 100;
  const width = Math.max((span.duration / total) * 100, 0.15);
  const isCollapsed = state.collapsed.has(span.id);
  const toggle = span.children.length
    ? h('span', { class: 'tog', title: 'collapse or expand', onclick: (event) => {
      event.stopPropagation();
      if (isCollapsed) state.collapsed.delete(span.id); else state.collapsed.add(span.id);
      redraw();
    } }, isCollapsed ? '▸' : '▾')
    : h('span', { class: 'tog' });
  const end = left + width;
  let place = { left: `calc(${end}% + 4px)` };
  if (end > 85 && width > 12) place = { right: `calc(${100 - end}% + 4px)`, color: '#111217' };
  else if (end > 85) place = { right: `calc(${100 - left}% + 4px)` };
  const label = h('span', { class: 'wf-dur', style: place }, fmtDuration(span.duration));
  const barClass = `wf-bar${span.critical ? ' crit' : ''}${span.status.code === 'ERROR' ? ' err' : ''}`;
  return h('div', { class: 'wf-row', 'data-span-id': span.id, onclick: () => select(span.id) },
    h('div', { class: 'wf-name', style: { paddingLeft: `${4 + indent(span.depth)}px` }, title: `${span.service}: ${span.name}` },
      toggle, span.status.code === 'ERROR' ? h('span', { class: 'badge err', style: { marginRight: '4px' } }, '!') : null,
      span.name, h('span', { class: 'svc' }, span.service)),
    h('div', { class: 'wf-lane' },
      h('div', { class: barClass, style: { left: `${left}%`, width: `${width}%`, background: colour(span.service) } }), label));
}
