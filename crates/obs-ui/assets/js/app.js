// Client-side router: draws the page the URL names, intercepts same-origin links, and aborts the
// previous page's requests when the user moves on.
import { fill, h } from './dom.js';
import { setNavigateHandler, navigate } from './state.js';

const PAGES = [
  [/^\/$/, 'home', () => import('./home.js')],
  [/^\/traces$/, 'traces', () => import('./traces.js')],
  [/^\/trace\/([^/]+)$/, 'traces', () => import('./trace-view.js')],
  [/^\/logs$/, 'logs', () => import('./logs.js')],
  [/^\/metrics$/, 'metrics', () => import('./metrics.js')],
];

let current = null;

async function render() {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const view = document.getElementById('view');
  const found = PAGES.find(([pattern]) => pattern.test(location.pathname));
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.page === found?.[1]);
  if (!found) {
    fill(view, h('div', { class: 'empty' }, `No page at ${location.pathname}. `, h('a', { href: '/' }, 'Go home')));
    return;
  }
  const [pattern, , load] = found;
  const match = pattern.exec(location.pathname).slice(1).map(decodeURIComponent);
  try {
    const page = await load();
    if (controller.signal.aborted) return;
    view.dataset.page = found[1];
    await page.render(view, match, controller.signal);
  } catch (err) {
    if (controller.signal.aborted) return;
    fill(view, h('div', { class: 'error' }, `This page failed: ${err.message}`));
  }
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.origin !== location.origin || !PAGES.some(([pattern]) => pattern.test(a.pathname))) return;
  event.preventDefault();
  navigate(a.pathname + a.search);
});

window.addEventListener('popstate', render);
setNavigateHandler(render);
render();
