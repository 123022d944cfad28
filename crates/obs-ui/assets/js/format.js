// The one formatting module every page shares: durations, times, numbers, colours, ids and series
// names, so each page prints the same value the same way.

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** Human duration from milliseconds: 850µs, 12.3ms, 1.25s, 2m 5s. */
export function fmtDuration(ms) {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)}ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)}s`;
  const minutes = Math.floor(ms / 60000);
  return `${minutes}m ${Math.round((ms % 60000) / 1000)}s`;
}

let utc = false;
try { utc = localStorage.getItem('obs.tz') === 'utc'; } catch { /* storage disabled: local time */ }

/** Whether times print in UTC (else local time); the header's toggle sets it. */
export function timeZoneIsUtc() {
  return utc;
}

/** Chooses UTC or local time for every time printed from now on, and remembers the choice. */
export function setTimeZoneUtc(on) {
  utc = on;
  try { localStorage.setItem('obs.tz', on ? 'utc' : 'local'); } catch { /* lasts until reload */ }
}

/** The zone times are printed in: `UTC`, or the local offset such as `UTC+01:00`. */
export function zoneName(ms = Date.now()) {
  if (utc) return 'UTC';
  const offset = -new Date(ms).getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  return `UTC${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** Date and time with milliseconds and the zone (UTC or local, as chosen), from epoch milliseconds. */
export function fmtTime(ms) {
  const d = new Date(ms);
  if (utc) {
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} UTC`;
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} ${zoneName(ms)}`;
}

/** A number with at most 4 significant decimals, thousands kept readable. */
export function fmtNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return v.toExponential(3);
  return Number(v.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** Twelve hues far apart (no two yellows), readable on both themes. */
export const PALETTE = ['#5794f2', '#73bf69', '#f2cc0c', '#ff7383', '#b877d9', '#ff9830', '#2fb5b5', '#c0d84a', '#e05fb5', '#8c7cff', '#a0785a', '#7a8aa0'];

/** Colour for a name (services, series): by `index` when given (order within a view, so no two of
 * the first twelve collide), else a stable hash of the name. */
export function colour(name, index) {
  if (index !== undefined) return PALETTE[index % PALETTE.length];
  let hash = 0;
  for (const ch of String(name)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}

/** A nanosecond timestamp string as a BigInt (0n when it is missing or not a number). */
export function nanos(text) {
  try {
    return BigInt(text ?? 0);
  } catch {
    return 0n;
  }
}

/** Epoch milliseconds from a nanosecond timestamp string. */
export function nanosToMs(text) {
  return Number(nanos(text) / 1000000n);
}

/** Tempo drops leading zeros from trace ids in search results; the UI always shows 32 lowercase hex. */
export function normTraceId(id) {
  return String(id || '').trim().toLowerCase().padStart(32, '0');
}

/** A series name from its labels: `name{k="v", ...}`. */
export function seriesName(metric) {
  const { __name__: name = '', ...labels } = metric || {};
  const inner = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ');
  return inner ? `${name}{${inner}}` : name || '{}';
}

/** A trace id typed or pasted by a user (32 or 16 hex, any case, spaces or dashes inside, an optional
 * `0x`), as 32 lowercase hex; null when the text is not one. */
export function traceIdInput(text) {
  const compact = String(text || '').replace(/[\s-]+/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{1,32}$/.test(compact) || compact.length < 16) return null;
  return compact.toLowerCase().padStart(32, '0');
}
