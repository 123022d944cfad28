// Small DOM helpers shared by every page (formatting lives in format.js and is re-exported here).
export { fmtDuration, fmtTime, fmtNumber, colour, nanos, nanosToMs, normTraceId, seriesName, traceIdInput, timeZoneIsUtc, setTimeZoneUtc, zoneName } from './format.js';

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

/** A key/value list (attributes, labels). */
export function kvList(pairs) {
  const dl = h('dl', { class: 'kv' });
  for (const [key, value] of pairs) dl.append(h('dt', {}, key), h('dd', {}, value));
  return dl;
}
