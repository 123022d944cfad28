// Hand-written SVG charts: time series lines with a legend and hover values, and volume bars.
import { h, colour, fmtNumber, fmtTime } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 1200;
const PAD = { left: 64, right: 16, top: 10, bottom: 24 };

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((m) => m >= raw) || raw;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map((x) => x * 1000);

/** Round time ticks (local clock) across [from, to], about `count` of them. */
export function timeTicks(from, to, count = 6) {
  const step = TIME_STEPS.find((x) => x >= (to - from) / count) || (to - from);
  const offset = new Date(from).getTimezoneOffset() * 60000;
  const ticks = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
  return ticks;
}

function timeLabel(ms, spanMs) {
  const d = new Date(ms);
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (spanMs > 2 * 8.64e7) return `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
  return spanMs < 6e5 ? `${hm}:${String(d.getSeconds()).padStart(2, '0')}` : hm;
}

function frame(height, from, to, yMin, yMax) {
  const x = (t) => PAD.left + ((t - from) / (to - from)) * (W - PAD.left - PAD.right);
  const y = (v) => height - PAD.bottom - ((v - yMin) / (yMax - yMin || 1)) * (height - PAD.top - PAD.bottom);
  const grid = s('g', { class: 'grid' });
  const axis = s('g', { class: 'axis' });
  for (const v of niceTicks(yMin, yMax, 4)) {
    grid.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }));
    axis.append(s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmtNumber(v)));
  }
  for (const t of timeTicks(from, to)) {
    axis.append(s('text', { x: x(t), y: height - 6, 'text-anchor': 'middle' }, timeLabel(t, to - from)));
  }
  return { x, y, grid, axis };
}

function extent(values) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); }
  if (min === Infinity) return [0, 1];
  if (min > 0) min = 0;
  if (min === max) max = min + 1;
  max += (max - min) * 0.05;
  const ticks = niceTicks(min, max, 4);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

/** A line chart of `series` ([{name, points: [[ms, value]]}]) over [from, to], with hover and a legend
 * whose entries toggle their series (click), or show only that one (Shift/Ctrl+click; again for all). */
export function lineChart(series, { from, to, height = 260 }) {
  const [yMin, yMax] = extent(series.flatMap((se) => se.points.map((p) => p[1])));
  const { x, y, grid, axis } = frame(height, from, to, yMin, yMax);
  const svg = s('svg', { viewBox: `0 0 ${W} ${height}`, 'data-series-count': series.length }, grid, axis);
  const groups = series.map((se, i) => {
    const g = s('g', { 'data-series-group': i });
    let d = '';
    let gap = true;
    for (const [t, v] of se.points) {
      if (!Number.isFinite(v)) { gap = true; continue; }
      d += `${gap ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      gap = false;
    }
    const path = s('path', { d, fill: 'none', stroke: colour(se.name, i), 'stroke-width': 1.5, 'data-series': se.name });
    g.append(path);
    if (se.points.length <= 40) {
      for (const [t, v] of se.points) if (Number.isFinite(v)) g.append(s('circle', { cx: x(t), cy: y(v), r: 2.5, fill: colour(se.name, i) }));
    }
    svg.append(g);
    return g;
  });
  const hidden = new Set();
  const tip = h('div', { class: 'tip' });
  const cursor = s('line', { y1: PAD.top, y2: height - PAD.bottom, stroke: '#8e9099', 'stroke-dasharray': '3 3', visibility: 'hidden' });
  svg.append(cursor);
  const box = h('div', { class: 'chart' }, svg, tip);
  svg.addEventListener('mousemove', (event) => hover(event, { svg, tip, cursor, series: series.filter((_, i) => !hidden.has(i)), from, to, x }));
  svg.addEventListener('mouseleave', () => { tip.style.display = 'none'; cursor.setAttribute('visibility', 'hidden'); });
  const entries = series.map((se, i) => h('button', { type: 'button', class: 'legend-entry', 'aria-pressed': 'true', 'data-legend-entry': i, title: 'click: hide or show; Shift+click: only this one' },
    h('i', { style: { background: colour(se.name, i) } }), se.name));
  const apply = () => series.forEach((_, i) => {
    groups[i].setAttribute('visibility', hidden.has(i) ? 'hidden' : 'visible');
    entries[i].setAttribute('aria-pressed', String(!hidden.has(i)));
  });
  entries.forEach((entry, i) => entry.addEventListener('click', (event) => {
    if (event.shiftKey || event.ctrlKey || event.metaKey) {
      const only = hidden.size === series.length - 1 && !hidden.has(i);
      hidden.clear();
      if (!only) series.forEach((_, j) => { if (j !== i) hidden.add(j); });
    } else if (hidden.has(i)) hidden.delete(i); else hidden.add(i);
    apply();
  }));
  const legend = h('div', { class: 'legend', 'data-legend': '' }, entries);
  return h('div', {}, box, legend);
}

function nearest(points, t) {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] < t) lo = mid + 1; else hi = mid;
  }
  const prev = points[lo - 1];
  return prev && Math.abs(prev[0] - t) < Math.abs(points[lo][0] - t) ? prev : points[lo];
}

function hover(event, { svg, tip, cursor, series, from, to, x }) {
  const rect = svg.getBoundingClientRect();
  const vx = ((event.clientX - rect.left) / rect.width) * W;
  const t = from + ((vx - PAD.left) / (W - PAD.left - PAD.right)) * (to - from);
  const rows = series.filter((se) => se.points.length).slice(0, 12).map((se, i) => [se, i, nearest(se.points, t)]);
  if (!rows.length) return;
  const at = rows[0][2][0];
  cursor.setAttribute('x1', x(at));
  cursor.setAttribute('x2', x(at));
  cursor.setAttribute('visibility', 'visible');
  tip.replaceChildren(h('div', { class: 'muted' }, fmtTime(at)), ...rows.map(([se, i, p]) =>
    h('div', {}, h('span', { style: { color: colour(se.name, i) } }, '● '), `${se.name}: `, h('b', {}, fmtNumber(p[1])))));
  tip.style.display = 'block';
  const left = event.clientX - rect.left + 12;
  tip.style.left = `${Math.min(left, rect.width - tip.offsetWidth - 4)}px`;
  tip.style.top = '8px';
}

/** Volume bars: `points` ([[ms, count]]) each `stepMs` wide over [from, to]. */
export function barChart(points, { from, to, stepMs, height = 110 }) {
  const [yMin, yMax] = extent(points.map((p) => p[1]));
  const { x, y, grid, axis } = frame(height, from, to, yMin, yMax);
  const svg = s('svg', { viewBox: `0 0 ${W} ${height}`, 'data-bars': points.length }, grid, axis);
  const width = Math.max(x(from + stepMs) - x(from) - 1, 1);
  for (const [t, v] of points) {
    const rect = s('rect', { x: Math.max(x(t - stepMs), PAD.left), y: y(v), width: Math.min(width, x(t) - PAD.left), height: Math.max(y(0) - y(v), 0), fill: '#5794f2' });
    rect.append(s('title', {}, `${fmtTime(t)}: ${v}`));
    svg.append(rect);
  }
  return h('div', { class: 'chart' }, svg);
}

/**
 * A scatter of `points` ([{t: ms, v: value, label, error}]) over [from, to]; a click on a dot calls
 * `onPick(point, event)`. Error points are drawn as red diamonds, so they differ by shape too.
 * @param {{t: number, v: number, label: string, error?: boolean, id: string}[]} points
 * @param {{from: number, to: number, height?: number, unit?: (v: number) => string, onPick: (p: any, e: MouseEvent) => void}} options
 */
export function scatterChart(points, { from, to, height = 140, unit = fmtNumber, onPick }) {
  const [yMin, yMax] = extent(points.map((p) => p.v));
  const { x, y, grid, axis } = frame(height, from, to, yMin, yMax);
  for (const text of axis.querySelectorAll('text[text-anchor="end"]')) text.textContent = unit(Number(text.textContent.replace(/,/g, '')));
  const svg = s('svg', { viewBox: `0 0 ${W} ${height}`, 'data-scatter': points.length }, grid, axis);
  for (const p of points) {
    const [cx, cy] = [x(p.t), y(p.v)];
    const dot = p.error
      ? s('path', { d: `M${cx},${cy - 5}L${cx + 5},${cy}L${cx},${cy + 5}L${cx - 5},${cy}Z`, fill: '#f2495c', class: 'dot', 'data-dot': p.id })
      : s('circle', { cx, cy, r: 4, fill: '#5794f2', class: 'dot', 'data-dot': p.id });
    dot.append(s('title', {}, p.label));
    dot.addEventListener('click', (event) => onPick(p, event));
    svg.append(dot);
  }
  return h('div', { class: 'chart scatter' }, svg);
}

/**
 * Volume bars stacked by level: `series` ([{name: level, points: [[ms, count]]}]) each `stepMs` wide
 * over [from, to]; each level's bars carry the class `vol-<level>` (coloured by the stylesheet).
 * Dragging across the chart calls `onZoom(from, to)` with the chosen time range.
 * @param {{name: string, points: [number, number][]}[]} series
 * @param {{from: number, to: number, stepMs: number, height?: number, onZoom?: (from: number, to: number) => void}} options
 */
export function stackedBarChart(series, { from, to, stepMs, height = 110, onZoom }) {
  /** @type {Map<number, number>} */
  const totals = new Map();
  for (const se of series) for (const [t, v] of se.points) totals.set(t, (totals.get(t) || 0) + v);
  const [yMin, yMax] = extent([...totals.values()]);
  const { x, y, grid, axis } = frame(height, from, to, yMin, yMax);
  const svg = s('svg', { viewBox: `0 0 ${W} ${height}`, 'data-bars': totals.size, 'data-stacked': series.map((se) => se.name).join(',') }, grid, axis);
  const width = Math.max(x(from + stepMs) - x(from) - 1, 1);
  /** @type {Map<number, number>} */
  const base = new Map();
  for (const se of series) {
    for (const [t, v] of se.points) {
      const below = base.get(t) || 0;
      base.set(t, below + v);
      const rect = s('rect', { x: Math.max(x(t - stepMs), PAD.left), y: y(below + v), width: Math.min(width, x(t) - PAD.left), height: Math.max(y(below) - y(below + v), 0), class: `vol-${se.name || 'unknown'}`, 'data-level': se.name || 'unknown' });
      rect.append(s('title', {}, `${fmtTime(t)}: ${v} ${se.name || 'unknown'}`));
      svg.append(rect);
    }
  }
  const box = h('div', { class: 'chart volume' }, svg);
  if (onZoom) {
    const band = s('rect', { y: PAD.top, height: height - PAD.top - PAD.bottom, class: 'zoom-band', visibility: 'hidden' });
    svg.append(band);
    const timeAt = (event) => {
      const rect = svg.getBoundingClientRect();
      const vx = ((event.clientX - rect.left) / rect.width) * W;
      return from + ((Math.min(Math.max(vx, PAD.left), W - PAD.right) - PAD.left) / (W - PAD.left - PAD.right)) * (to - from);
    };
    let start = null;
    svg.addEventListener('pointerdown', (event) => { start = timeAt(event); svg.setPointerCapture(event.pointerId); });
    svg.addEventListener('pointermove', (event) => {
      if (start === null) return;
      const [a, b] = [start, timeAt(event)].sort((p, q) => p - q);
      band.setAttribute('x', String(x(a)));
      band.setAttribute('width', String(Math.max(x(b) - x(a), 1)));
      band.setAttribute('visibility', 'visible');
    });
    svg.addEventListener('pointerup', (event) => {
      if (start === null) return;
      const [a, b] = [start, timeAt(event)].sort((p, q) => p - q);
      start = null;
      band.setAttribute('visibility', 'hidden');
      if (b - a > (to - from) / 200) onZoom(Math.floor(a), Math.ceil(b));
    });
  }
  return box;
}
