// The span details panel of the trace view: status, timing, attributes, resource, events and links.
import { h, fmtDuration, kvList } from './dom.js';

function section(title, pairs) {
  if (!pairs.length) return null;
  return [h('h3', {}, title), kvList(pairs)];
}

/** The panel for one span of a parsed trace. */
export function spanDetails(span) {
  const status = span.status.code + (span.status.message ? ` — ${span.status.message}` : '');
  return h('div', { class: 'panel details', 'data-span-details': span.id },
    h('h2', { style: { marginTop: 0 } }, span.name),
    kvList([
      ['service', span.service], ['kind', span.kind],
      ['status', h('span', { class: span.status.code === 'ERROR' ? 'badge err' : 'badge' }, status)],
      ['start', `+${fmtDuration(span.start)}`], ['duration', fmtDuration(span.duration)],
      ['span id', span.id], ['parent id', span.parentId || '(root)'],
      ['scope', [span.scope.name, span.scope.version].filter(Boolean).join(' ') || '—'],
    ]),
    section('Attributes', span.attributes),
    section('Resource', span.resource),
    span.events.length ? h('h3', {}, `Events (${span.events.length})`) : null,
    span.events.map((e) => h('div', { class: 'panel' },
      h('div', {}, h('b', {}, e.name), h('span', { class: 'muted' }, `  +${fmtDuration(e.at)}`)),
      e.attributes.length ? kvList(e.attributes) : null)),
    span.links.length ? h('h3', {}, `Links (${span.links.length})`) : null,
    span.links.map((l) => h('div', { class: 'panel' },
      h('a', { href: `/trace/${l.traceId}` }, `trace ${l.traceId}`), h('div', { class: 'mono muted' }, `span ${l.spanId}`),
      l.attributes.length ? kvList(l.attributes) : null)),
  );
}
