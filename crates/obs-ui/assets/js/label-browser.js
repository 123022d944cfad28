// The Logs page's label browser: index labels from Loki, their values on click, and a value click
// adds the matcher to the query's stream selector.
import { LOKI, getData } from './api.js';
import { h, fill } from './dom.js';

/** The query with `name="value"` added to its first `{...}` selector (or a new selector). */
export function addMatcher(query, name, value) {
  const matcher = `${name}=${JSON.stringify(value)}`;
  const text = query.trim();
  const open = text.indexOf('{');
  const close = open >= 0 ? text.indexOf('}', open) : -1;
  if (close < 0) return `{${matcher}}${text ? ` ${text}` : ''}`;
  const inside = text.slice(open + 1, close).trim();
  if (inside.includes(matcher)) return text;
  return `${text.slice(0, open + 1)}${inside ? `${inside}, ` : ''}${matcher}${text.slice(close)}`;
}

/** A panel listing labels; `onPick(name, value)` runs when a value is chosen. */
export function labelBrowser(range, onPick, signal) {
  const labels = h('div', { class: 'labels', 'data-labels': '' }, h('span', { class: 'muted' }, 'Loading labels…'));
  const values = h('div', { class: 'labels', 'data-label-values': '', style: { marginTop: '6px' } });
  const span = { start: `${Math.floor(range.from)}000000`, end: `${Math.ceil(range.to)}000000` };
  getData(`${LOKI}/loki/api/v1/labels`, span, { signal }).then((names) => {
    if (!names?.length) return fill(labels, h('span', { class: 'muted' }, 'No labels yet: no logs have arrived in this range.'));
    fill(labels, names.map((name) => h('button', { type: 'button', 'data-label': name, onclick: (event) => {
      for (const b of labels.querySelectorAll('button.on')) b.classList.remove('on');
      event.currentTarget.classList.add('on');
      showValues(name);
    } }, name)));
  }).catch((err) => fill(labels, h('span', { class: 'error' }, err.message)));
  const showValues = (name) => {
    fill(values, h('span', { class: 'muted' }, `Loading values of ${name}…`));
    getData(`${LOKI}/loki/api/v1/label/${encodeURIComponent(name)}/values`, span, { signal })
      .then((list) => fill(values, h('span', { class: 'muted' }, `${name} = `),
        (list || []).map((v) => h('button', { type: 'button', 'data-label-value': v, onclick: () => onPick(name, v) }, v))))
      .catch((err) => fill(values, h('span', { class: 'error' }, err.message)));
  };
  return h('details', { open: true }, h('summary', { class: 'muted' }, 'Label browser'), labels, values);
}
