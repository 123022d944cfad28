// The span details panel of the trace view: ids with copy buttons, status, timing (self time, event
// times relative to the span's start), a clickable parent, attributes, resource, events (stack traces
// preformatted), links that open the linked span, the span's own log lines, and raw OTLP-JSON.
import { LOKI, getData } from './api.js';
import { h, fill, fmtDuration, fmtTime, kvList, nanosToMs } from './dom.js';
import { link } from './state.js';

/** The Logs page URL for `{service_name=~".+"} <filter>` around a trace's time (±15 min). */
export function logsQueryLink(filter, startMs, durationMs) {
  const query = `{service_name=~".+"} ${filter}`;
  return link('/logs', { query, from: Math.floor(startMs - 9e5), to: Math.ceil(startMs + durationMs + 9e5) });
}

/** A button that copies `text` and says so. */
export function copyButton(text, what) {
  const button = h('button', { type: 'button', class: 'copy', 'data-copy': what, title: `copy ${what}` }, `Copy ${what}`);
  button.addEventListener('click', async (event) => {
    event.stopPropagation();
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'copy failed: select the text';
    }
    setTimeout(() => { button.textContent = `Copy ${what}`; }, 1500);
  });
  return button;
}

/** A button that saves `value` as a JSON file. */
export function downloadButton(label, filename, value) {
  return h('button', { type: 'button', 'data-download': filename, onclick: () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(value(), null, 2)], { type: 'application/json' }));
    const a = h('a', { href: url, download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } }, label);
}

function section(title, pairs) {
  if (!pairs.length) return null;
  return [h('h3', {}, title), kvList(pairs)];
}

/** An attribute value: multi-line text (stack traces) preformatted with a copy button. */
function value(key, text) {
  if (!text.includes('\n')) return text;
  return h('div', { class: 'pre-wrap' }, copyButton(text, key), h('pre', { class: 'stack', 'data-stack': key }, text));
}

const otlpSpan = (span) => ({ resourceSpans: [{ resource: span.otlpResource || { attributes: [] }, scopeSpans: [{ scope: span.scope, spans: [span.raw] }] }] });

/**
 * The panel for one span of a parsed trace.
 * @param {any} span
 * @param {any} trace
 * @param {{select: (span: any) => void, signal: AbortSignal}} ctx
 */
export function spanDetails(span, trace, { select, signal }) {
  const status = span.status.code + (span.status.message ? ` — ${span.status.message}` : '');
  const spanUrl = `${location.origin}/trace/${trace.id || span.traceId}?span=${span.id}`;
  const parent = span.parent
    ? h('button', { type: 'button', class: 'linkish', 'data-parent': span.parent.id, onclick: () => select(span.parent) }, `${span.parent.name} (${span.parent.id})`)
    : span.parentId ? `${span.parentId} (not in this trace)` : '(root)';
  const logs = h('div', { 'data-span-logs': '' }, h('p', { class: 'muted' }, 'Loading this span\'s logs…'));
  const panel = h('div', { class: 'panel details', 'data-span-details': span.id },
    h('h2', { style: { marginTop: 0 } }, span.name),
    h('div', { class: 'row tight' },
      copyButton(span.traceId, 'trace id'), copyButton(span.id, 'span id'), copyButton(spanUrl, 'link to span'),
      downloadButton('Span JSON', `span-${span.id}.json`, () => otlpSpan(span)),
      downloadButton('Trace JSON', `trace-${span.traceId}.json`, () => trace.raw)),
    kvList([
      ['service', span.service], ['kind', span.kind],
      ['status', h('span', { class: span.status.code === 'ERROR' ? 'badge err' : 'badge' }, status)],
      ['start', `+${fmtDuration(span.start)} from the trace start`], ['duration', fmtDuration(span.duration)],
      ['self time', fmtDuration(span.self)],
      ['trace id', span.traceId], ['span id', span.id], ['parent', parent],
      ['scope', [span.scope.name, span.scope.version].filter(Boolean).join(' ') || '—'],
    ]),
    section('Attributes', span.attributes.map(([k, v]) => [k, value(k, v)])),
    section('Resource', span.resource),
    span.events.length ? h('h3', {}, `Events (${span.events.length})`) : null,
    span.events.map((e) => h('div', { class: 'panel' },
      h('div', {}, h('b', {}, e.name), h('span', { class: 'muted', 'data-event-offset': '' }, `  +${fmtDuration(e.at - span.start)} after the span's start`)),
      e.attributes.length ? kvList(e.attributes.map(([k, v]) => [k, value(k, v)])) : null)),
    span.links.length ? h('h3', {}, `Links (${span.links.length})`) : null,
    span.links.map((l) => h('div', { class: 'panel' },
      h('a', { href: `/trace/${l.traceId}?span=${l.spanId}`, 'data-span-link': l.spanId }, `span ${l.spanId} of trace ${l.traceId}`),
      l.attributes.length ? kvList(l.attributes) : null)),
    h('h3', {}, 'Logs of this span'),
    h('a', { href: logsQueryLink(`| span_id="${span.id}"`, trace.startMs, trace.duration), 'data-span-logs-link': '' }, 'Logs for this span'),
    logs);
  loadLogs(logs, span, trace, signal);
  return panel;
}

async function loadLogs(box, span, trace, signal) {
  const from = trace.startMs - 9e5;
  const to = trace.startMs + trace.duration + 9e5;
  try {
    /** @type {{result?: import('./types.js').LokiStream[]}} */
    const data = await getData(`${LOKI}/loki/api/v1/query_range`, {
      query: `{service_name=~".+"} | span_id="${span.id}"`, start: `${Math.floor(from)}000000`, end: `${Math.ceil(to)}000000`,
      limit: 100, direction: 'forward',
    }, { signal });
    const lines = [];
    for (const stream of data.result || []) {
      for (const [ts, line] of stream.values || []) lines.push({ ts, line, level: stream.stream?.detected_level || stream.stream?.level || '' });
    }
    lines.sort((a, b) => (a.ts < b.ts ? -1 : 1));
    fill(box, lines.length
      ? h('div', { class: 'loglines' }, lines.map((l) => h('div', { class: `logline compact sev-${String(l.level).toLowerCase()}`, 'data-span-log': '' },
        h('span', { class: 'muted', title: fmtTime(nanosToMs(l.ts)) }, `+${fmtDuration(nanosToMs(l.ts) - trace.startMs - span.start)}`),
        h('span', { class: 'lvl' }, l.level || '—'), h('span', { class: 'line' }, l.line))))
      : h('p', { class: 'muted' }, 'No log lines carry this span id.'));
  } catch (err) {
    if (!signal.aborted) fill(box, h('div', { class: 'error' }, `Could not load this span's logs: ${err.message}`));
  }
}
