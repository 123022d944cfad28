// Client-side router and the app's chrome: draws the page the URL names (or the app's own "not
// found" page), intercepts same-origin links (one history entry per navigation, modifier-clicks left
// to the browser), restores scroll on Back, and owns the header's "go to trace" box, the theme toggle
// and the global keys (`/` focuses the query box, `?` shows the keys).
import { fill, h, traceIdInput, timeZoneIsUtc, setTimeZoneUtc } from './dom.js';
import { setNavigateHandler, navigate } from './state.js';

/** @type {[RegExp, string, () => Promise<{render: (view: HTMLElement, match: string[], signal: AbortSignal) => Promise<unknown>}>][]} */
const PAGES = [
  [/^\/$/, 'home', () => import('./home.js')],
  [/^\/traces$/, 'traces', () => import('./traces.js')],
  [/^\/trace\/([^/]+)$/, 'traces', () => import('./trace-view.js')],
  [/^\/logs$/, 'logs', () => import('./logs.js')],
  [/^\/metrics$/, 'metrics', () => import('./metrics.js')],
];

let current = null;

async function render(restoreScroll = false) {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const view = document.getElementById('view');
  const found = PAGES.find(([pattern]) => pattern.test(location.pathname));
  for (const a of document.querySelectorAll('nav a')) {
    if (!(a instanceof HTMLElement)) continue;
    a.classList.toggle('active', a.dataset.page === found?.[1]);
    if (a.dataset.page === found?.[1]) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  if (!found) {
    document.title = 'Not found — obs';
    view.dataset.page = 'not-found';
    fill(view, h('div', { class: 'empty', 'data-not-found': '' },
      h('h1', {}, 'Page not found'), `This UI has no page at ${location.pathname}. `,
      h('a', { href: '/' }, 'Go home'), ' or ', h('a', { href: '/traces' }, 'search traces'), '.'));
    return;
  }
  const [pattern, , load] = found;
  const match = pattern.exec(location.pathname).slice(1).map(decodeURIComponent);
  const scrollY = history.state?.scrollY;
  try {
    const page = await load();
    if (controller.signal.aborted) return;
    view.dataset.page = found[1];
    await page.render(view, match, controller.signal);
    if (restoreScroll && typeof scrollY === 'number' && !controller.signal.aborted) window.scrollTo(0, scrollY);
  } catch (err) {
    if (controller.signal.aborted) return;
    fill(view, h('div', { class: 'error' }, `This page failed: ${err.message}`));
  }
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = /** @type {Element} */ (event.target).closest('a[href]');
  if (!(a instanceof HTMLAnchorElement)) return;
  if (a.target || a.hasAttribute('download') || a.origin !== location.origin || !PAGES.some(([pattern]) => pattern.test(a.pathname))) return;
  event.preventDefault();
  navigate(a.pathname + a.search);
});

const gotoForm = /** @type {HTMLFormElement} */ (document.querySelector('[data-goto-trace]'));
gotoForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ (gotoForm.elements.namedItem('traceid'));
  const id = traceIdInput(input.value);
  if (!id) {
    input.setCustomValidity('A trace id is 32 or 16 hex characters.');
    input.reportValidity();
    return;
  }
  input.value = '';
  navigate(`/trace/${id}`);
});
gotoForm.addEventListener('input', (event) => /** @type {HTMLInputElement} */ (event.target).setCustomValidity(''));

const THEMES = ['auto', 'light', 'dark'];
const themeButton = /** @type {HTMLButtonElement} */ (document.querySelector('[data-theme-toggle]'));
function applyTheme(theme) {
  if (theme === 'auto') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.dataset.theme = theme;
  themeButton.textContent = `Theme: ${theme}`;
  themeButton.dataset.themeToggle = theme;
}
let theme = 'auto';
try { theme = THEMES.includes(localStorage.getItem('obs.theme')) ? localStorage.getItem('obs.theme') : 'auto'; } catch { /* storage disabled */ }
applyTheme(theme);
themeButton.addEventListener('click', () => {
  theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
  applyTheme(theme);
  try { localStorage.setItem('obs.theme', theme); } catch { /* storage disabled: lasts until reload */ }
});

const zoneButton = /** @type {HTMLButtonElement} */ (document.querySelector('[data-tz-toggle]'));
const showZone = () => { zoneButton.textContent = timeZoneIsUtc() ? 'UTC' : 'Local time'; zoneButton.dataset.tzToggle = timeZoneIsUtc() ? 'utc' : 'local'; };
showZone();
zoneButton.addEventListener('click', () => { setTimeZoneUtc(!timeZoneIsUtc()); showZone(); render(false); });

const KEYS = [
  ['/', 'focus the query box (or Find on a trace)'], ['?', 'show or hide these keys'], ['Esc', 'close this help, leave a box'],
  ['↑ ↓', 'waterfall: previous or next span'], ['← →', 'waterfall: collapse or go to parent, expand or go to child'],
  ['Home End PgUp PgDn', 'waterfall: jump'], ['Enter', 'waterfall: show the span\'s details; Find: next match (Shift: previous)'],
];
let help = null;
function toggleHelp() {
  if (help) { help.remove(); help = null; return; }
  const close = h('button', { type: 'button', onclick: toggleHelp }, 'Close');
  help = h('div', { class: 'modal', 'data-help': '', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Keyboard shortcuts' },
    h('div', {}, h('h2', { style: { marginTop: 0 } }, 'Keyboard shortcuts'),
      h('dl', { class: 'kv' }, KEYS.map(([k, what]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, what)])), close));
  help.addEventListener('click', (event) => { if (event.target === help) toggleHelp(); });
  document.body.append(help);
  close.focus();
}
document.querySelector('[data-keys-help]').addEventListener('click', toggleHelp);

document.addEventListener('keydown', (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  const typing = target.closest?.('input, textarea, select, [contenteditable]');
  if (event.key === 'Escape') {
    if (help) toggleHelp(); else if (typing) target.blur();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === '?') {
    event.preventDefault();
    toggleHelp();
  } else if (event.key === '/') {
    const box = /** @type {HTMLInputElement | null} */ (['#view input[name="find"]', '#view input.query', '#goto-trace']
      .map((selector) => document.querySelector(selector)).find(Boolean));
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select?.();
  }
});

history.scrollRestoration = 'manual';
window.addEventListener('popstate', () => render(true));
setNavigateHandler(() => { window.scrollTo(0, 0); render(false); });
render(true);
