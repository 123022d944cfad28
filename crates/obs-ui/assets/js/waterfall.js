// The trace waterfall as a virtualized ARIA treegrid: only the rows in view (plus an overscan) are in
// the DOM, drawn from a flattened list of visible span indices that collapse and expand update in
// place (a splice, not a rebuild), so 100,000-span traces stay responsive. Keyboard: arrows move,
// Left/Right collapse, expand or go to the parent, Home/End/PageUp/PageDown jump, Enter selects.
import { h, fmtDuration } from './dom.js';

const ROW = 22;
const HEAD = 26;
const OVERSCAN = 15;

/** Indentation in pixels: full steps near the root, then compressed so deep trees keep their names visible. */
function indent(depth) {
  return depth <= 8 ? depth * 14 : Math.min(112 + (depth - 8) * 3, 200);
}

/** First position in the sorted `list` at or after `from` whose value is ≥ `value`. */
function lowerBound(list, value, from = 0) {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < value) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * The waterfall of a parsed trace.
 * @param {any} trace a parseTrace() result
 * @param {{collapsed: Uint8Array, colourOf: (service: string) => string, onSelect: (span: any) => void,
 *   onCollapse: () => void}} options
 */
export function waterfall(trace, { collapsed, colourOf, onSelect, onCollapse }) {
  const spans = trace.spans;
  const total = trace.duration || 1;
  /** @type {number[]} span indices of the visible rows, ascending */
  let visible = [];
  let selected = -1;
  let focused = 0;
  let matches = new Uint8Array(0);
  let current = -1;
  let drawn = [-1, -1];
  /** The time window shown, in ms from the trace start (the minimap's zoom). */
  let zoom = [0, total];

  const body = h('div', { class: 'wf-body', role: 'rowgroup' });
  const tickLane = h('div', { class: 'wf-lane', role: 'columnheader' });
  const drawTicks = () => tickLane.replaceChildren(...[0, 0.25, 0.5, 0.75].map((f) =>
    h('div', { class: 'wf-tick', style: { left: `${f * 100}%` } }, fmtDuration(zoom[0] + (zoom[1] - zoom[0]) * f))));
  drawTicks();
  const head = h('div', { class: 'wf-head', role: 'row', 'aria-rowindex': 1 },
    h('div', { class: 'wf-name', role: 'columnheader' }, 'Span'),
    tickLane,
    h('div', { class: 'wf-self', role: 'columnheader', title: 'self time: the span\'s duration minus the time its children cover' }, 'Self'));
  const el = h('div', {
    class: 'waterfall', 'data-waterfall': '', role: 'treegrid', tabindex: 0, 'aria-label': 'Spans of this trace',
    'aria-multiselectable': 'false', 'aria-colcount': 3,
  }, head, body);

  function rebuild() {
    visible = [];
    for (let j = 0; j < spans.length;) {
      visible.push(j);
      j = collapsed[j] ? spans[j].after : j + 1;
    }
    changed();
  }

  function changed() {
    body.style.height = `${visible.length * ROW}px`;
    el.setAttribute('aria-rowcount', String(visible.length + 1));
    drawn = [-1, -1];
    draw();
  }

  const posOf = (index) => {
    const pos = lowerBound(visible, index);
    return visible[pos] === index ? pos : -1;
  };

  function collapse(span) {
    if (!span.children.length || collapsed[span.index]) return;
    collapsed[span.index] = 1;
    const pos = posOf(span.index);
    if (pos >= 0) {
      const stop = lowerBound(visible, span.after, pos + 1);
      visible.splice(pos + 1, stop - pos - 1);
    }
    if (focused > span.index && focused < span.after) focused = span.index;
    changed();
    onCollapse();
  }

  function expand(span) {
    if (!collapsed[span.index]) return;
    collapsed[span.index] = 0;
    const pos = posOf(span.index);
    if (pos >= 0) {
      const inserted = [];
      for (let j = span.index + 1; j < span.after;) {
        inserted.push(j);
        j = collapsed[j] ? spans[j].after : j + 1;
      }
      visible = visible.slice(0, pos + 1).concat(inserted, visible.slice(pos + 1));
    }
    changed();
    onCollapse();
  }

  const toggle = (span) => (collapsed[span.index] ? expand(span) : collapse(span));

  function row(index, pos) {
    const span = spans[index];
    const hasChildren = span.children.length > 0;
    const isCollapsed = collapsed[index] === 1;
    const windowMs = zoom[1] - zoom[0] || 1;
    const from = Math.max(span.start, zoom[0]);
    const to = Math.min(span.end, zoom[1]);
    const outside = to < from;
    const left = outside ? (span.start < zoom[0] ? 0 : 100) : ((from - zoom[0]) / windowMs) * 100;
    const width = outside ? 0 : Math.max(((to - from) / windowMs) * 100, 0.15);
    const end = left + width;
    /** @type {Record<string, string>} */
    let place = { left: `calc(${end}% + 4px)` };
    let onBar = false;
    if (end > 85 && width > 12) { place = { right: `calc(${100 - end}% + 4px)` }; onBar = true; } else if (end > 85) place = { right: `calc(${100 - left}% + 4px)` };
    const error = span.status.code === 'ERROR';
    const classes = ['wf-row'];
    if (index === selected) classes.push('sel');
    if (matches[index]) classes.push('match');
    if (index === current) classes.push('cur');
    const markers = span.events.slice(0, 20).filter((e) => e.at >= zoom[0] && e.at <= zoom[1]).map((e) =>
      h('i', { class: 'wf-event', style: { left: `${((e.at - zoom[0]) / windowMs) * 100}%` }, title: e.name }));
    return h('div', {
      class: classes.join(' '), role: 'row', tabindex: -1, 'data-span-id': span.id, 'data-index': index,
      'aria-level': span.depth + 1, 'aria-expanded': hasChildren ? String(!isCollapsed) : undefined,
      'aria-selected': String(index === selected), 'aria-rowindex': pos + 2, style: { top: `${pos * ROW}px` },
    },
    h('div', { class: 'wf-name', role: 'gridcell', style: { paddingLeft: `${4 + indent(span.depth)}px` }, title: `${span.service}: ${span.name}` },
      hasChildren
        ? h('button', { class: 'tog', type: 'button', tabindex: -1, 'data-toggle': '', 'aria-label': isCollapsed ? 'expand' : 'collapse' }, isCollapsed ? '▸' : '▾')
        : h('span', { class: 'tog' }),
      error ? h('span', { class: 'badge err', title: 'error' }, '! error') : null,
      h('span', { class: 'nm' }, span.name),
      span.kind !== 'UNSPECIFIED' && span.kind !== 'INTERNAL' ? h('span', { class: 'kind' }, span.kind.toLowerCase()) : null,
      h('span', { class: 'svc' }, span.service),
      isCollapsed ? h('span', { class: 'hidden-count' }, `+${span.after - index - 1}`) : null),
    h('div', { class: 'wf-lane', role: 'gridcell' },
      outside ? null : h('div', { class: `wf-bar${span.critical ? ' crit' : ''}${error ? ' err' : ''}`, style: { left: `${left}%`, width: `${width}%`, background: colourOf(span.service) } }),
      markers,
      h('span', { class: onBar ? 'wf-dur on-bar' : 'wf-dur', style: place }, fmtDuration(span.duration))),
    h('div', { class: 'wf-self', role: 'gridcell' }, fmtDuration(span.self)));
  }

  function draw() {
    const top = Math.max(el.scrollTop - HEAD, 0);
    const height = el.clientHeight || 600;
    const first = Math.max(Math.floor(top / ROW) - OVERSCAN, 0);
    const last = Math.min(Math.ceil((top + height) / ROW) + OVERSCAN, visible.length);
    if (first === drawn[0] && last === drawn[1]) return;
    drawn = [first, last];
    const hadFocus = body.contains(document.activeElement);
    const rows = [];
    for (let pos = first; pos < last; pos++) rows.push(row(visible[pos], pos));
    body.replaceChildren(...rows);
    if (hadFocus) focusRow(false);
  }

  let pending = false;
  el.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  });

  /** Scrolls so the row at `pos` is in view (centred when it was far). */
  function scrollToPos(pos) {
    const y = pos * ROW;
    const view = el.clientHeight - HEAD;
    if (y < el.scrollTop || y + ROW > el.scrollTop + view) el.scrollTop = Math.max(y - view / 2, 0);
    draw();
  }

  function focusRow(scroll = true) {
    const pos = posOf(focused);
    if (pos < 0) return;
    if (scroll) scrollToPos(pos);
    body.querySelector(`[data-index="${focused}"]`)?.focus({ preventScroll: true });
  }

  function moveFocus(index) {
    focused = index;
    focusRow();
  }

  el.addEventListener('focus', (event) => {
    if (event.target === el) focusRow();
  });
  el.addEventListener('click', (event) => {
    const rowEl = event.target.closest('.wf-row');
    if (!rowEl) return;
    const span = spans[Number(rowEl.dataset.index)];
    focused = span.index;
    if (event.target.closest('[data-toggle]')) toggle(span);
    else onSelect(span);
  });
  el.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const span = spans[focused];
    const pos = posOf(focused);
    const page = Math.max(Math.floor((el.clientHeight - HEAD) / ROW) - 1, 1);
    const go = (p) => moveFocus(visible[Math.min(Math.max(p, 0), visible.length - 1)]);
    switch (event.key) {
      case 'ArrowDown': go(pos + 1); break;
      case 'ArrowUp': go(pos - 1); break;
      case 'PageDown': go(pos + page); break;
      case 'PageUp': go(pos - page); break;
      case 'Home': go(0); break;
      case 'End': go(visible.length - 1); break;
      case 'ArrowRight':
        if (span.children.length && collapsed[focused]) { expand(span); focusRow(); } else if (span.children.length) moveFocus(span.children[0].index);
        break;
      case 'ArrowLeft':
        if (span.children.length && !collapsed[focused]) { collapse(span); focusRow(); } else if (span.parent) moveFocus(span.parent.index);
        break;
      case 'Enter': case ' ': onSelect(span); break;
      default: return;
    }
    event.preventDefault();
  });

  /** Expands every collapsed ancestor of `span`, then scrolls its row into view. */
  function reveal(span, focus = false) {
    let opened = false;
    for (let p = span.parent; p; p = p.parent) {
      if (collapsed[p.index]) { collapsed[p.index] = 0; opened = true; }
    }
    if (opened) { rebuild(); onCollapse(); }
    focused = span.index;
    scrollToPos(posOf(span.index));
    if (focus) focusRow(false);
  }

  function levelOp(open) {
    let depth = open ? Infinity : -1;
    for (const i of visible) {
      const s = spans[i];
      if (!s.children.length || Boolean(collapsed[i]) !== open) continue;
      depth = open ? Math.min(depth, s.depth) : Math.max(depth, s.depth);
    }
    if (!Number.isFinite(depth) || depth < 0) return;
    for (const i of [...visible]) {
      const s = spans[i];
      if (s.depth !== depth || !s.children.length) continue;
      if (open) {
        collapsed[i] = 0;
        for (const c of s.children) if (c.children.length) collapsed[c.index] = 1;
      } else {
        collapsed[i] = 1;
      }
    }
    rebuild();
    onCollapse();
  }

  rebuild();
  return {
    el,
    draw: () => { drawn = [-1, -1]; draw(); },
    toggle,
    reveal,
    visibleCount: () => visible.length,
    /** Shows only [from, to] ms of the trace on the bars' axis. */
    setZoom(from, to) { zoom = to > from ? [from, to] : [0, total]; drawTicks(); drawn = [-1, -1]; draw(); },
    select(span) { selected = span ? span.index : -1; drawn = [-1, -1]; draw(); },
    setMatches(next, cur) { matches = next; current = cur; drawn = [-1, -1]; draw(); },
    collapseAll() { for (const s of spans) collapsed[s.index] = s.children.length ? 1 : 0; focused = 0; rebuild(); onCollapse(); },
    expandAll() { collapsed.fill(0); rebuild(); onCollapse(); },
    expandLevel: () => levelOp(true),
    collapseLevel: () => levelOp(false),
  };
}
