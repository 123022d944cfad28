// Small DOM and formatting helpers shared by every page.

/** Creates an element: h('a', {href: '/x', class: 'y', onclick: fn}, 'text', child, [more]). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces everything inside `el` with `children`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A dashed box saying there is nothing to show, and why. */
export function empty(text, ...more) {
  return h('div', { class: 'empty', 'data-empty': '' }, text, ...more);
}

/** Human duration from milliseconds: 850µs, 12.3ms, 1.25s, 2m 5s. */
export function fmtDuration(ms) {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)}ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)}s`;
  const minutes = Math.floor(ms / 60000);
  return `${minutes}m ${Math.round((ms % 60000) / 1000)}s`;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** Local date and time with milliseconds, from epoch milliseconds. */
export function fmtTime(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A number with at most 4 significant decimals, thousands kept readable. */
export function fmtNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-4)) return v.toExponential(3);
  return Number(v.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** Stable colour for a name (services, series). */
export function colour(name, index) {
  const palette = ['#5794f2', '#73bf69', '#f2cc0c', '#ff9830', '#b877d9', '#8ab8ff', '#fade2a', '#96d98d', '#ca95e5', '#ffb357', '#37872d', '#1f60c4'];
  if (index !== undefined) return palette[index % palette.length];
  let hash = 0;
  for (const ch of String(name)) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length];
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

/** A key/value list (attributes, labels). */
export function kvList(pairs) {
  const dl = h('dl', { class: 'kv' });
  for (const [key, value] of pairs) dl.append(h('dt', {}, key), h('dd', {}, value));
  return dl;
}
