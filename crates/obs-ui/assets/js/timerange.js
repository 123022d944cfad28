// Time ranges as Grafana spells them in URLs (`from=now-1h&to=now`, or epoch milliseconds).
import { h, fmtTime } from './dom.js';

export const PRESETS = [
  ['now-5m', 'Last 5 minutes'], ['now-15m', 'Last 15 minutes'], ['now-1h', 'Last 1 hour'],
  ['now-3h', 'Last 3 hours'], ['now-12h', 'Last 12 hours'], ['now-24h', 'Last 24 hours'], ['now-7d', 'Last 7 days'],
];
const UNITS = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 };

/** Epoch milliseconds of `now`, `now-15m`, an epoch-ms number or an ISO date; NaN when unreadable. */
export function parseTime(text, now = Date.now()) {
  const value = String(text ?? '').trim();
  if (value === '' || value === 'now') return now;
  const relative = /^now-(\d+)([smhdw])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNITS[relative[2]];
  if (/^\d+$/.test(value)) return Number(value);
  return Date.parse(value);
}

/** The range from URL params: `{from, to, fromText, toText, seconds}` (defaults to the last hour). */
export function rangeFrom(params, fallback = 'now-1h') {
  const fromText = params.get('from') || fallback;
  const toText = params.get('to') || 'now';
  const now = Date.now();
  let from = parseTime(fromText, now);
  let to = parseTime(toText, now);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
    from = now - 3.6e6;
    to = now;
  }
  return { from, to, fromText, toText, seconds: (to - from) / 1000 };
}

/** A select of presets that also shows a custom range it was given. */
export function rangeSelect(range) {
  const select = h('select', { name: 'range', 'aria-label': 'time range' });
  const current = range.toText === 'now' ? range.fromText : null;
  for (const [value, label] of PRESETS) select.append(h('option', { value, selected: value === current }, label));
  if (!PRESETS.some(([value]) => value === current)) {
    const label = `${fmtTime(range.from)} → ${fmtTime(range.to)}`;
    select.append(h('option', { value: `${range.fromText}|${range.toText}`, selected: true }, label));
  }
  return select;
}

/** `{from, to}` URL values from the select's value. */
export function rangeValue(select) {
  const [from, to] = select.value.split('|');
  return { from, to: to || 'now' };
}

/** A step (seconds) giving about `points` points over the range, at least 1 s. */
export function stepFor(range, points = 120) {
  const nice = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  const raw = range.seconds / points;
  return nice.find((s) => s >= raw) ?? Math.ceil(raw);
}
