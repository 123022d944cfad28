// The trace minimap: every span drawn as a thin line on a canvas (cheap even for 100,000 spans), with
// the zoomed window outlined; dragging across it zooms the waterfall's time axis, a double click resets.
import { h, fmtDuration } from './dom.js';

const HEIGHT = 48;

/**
 * @param {any} trace a parseTrace() result
 * @param {{colourOf: (service: string) => string, zoom: [number, number] | null, onZoom: (range: [number, number] | null) => void}} options
 */
export function minimap(trace, { colourOf, zoom, onZoom }) {
  const total = trace.duration || 1;
  const canvas = h('canvas', { height: HEIGHT, 'aria-hidden': 'true' });
  const windowBox = h('div', { class: 'mm-window' });
  const label = h('span', { class: 'muted', 'data-zoom-label': '' });
  const reset = h('button', { type: 'button', 'data-zoom-reset': '' }, 'Reset zoom');
  const strip = h('div', { class: 'minimap', 'data-minimap': '', title: 'drag to zoom the time axis; double-click to reset' }, canvas, windowBox);
  const el = h('div', { class: 'minimap-wrap' }, strip, h('div', { class: 'row tight' }, label, reset));
  let current = zoom;

  function paint() {
    const width = strip.clientWidth || 800;
    canvas.width = width;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, HEIGHT);
    const n = trace.spans.length;
    for (const span of trace.spans) {
      ctx.fillStyle = span.status.code === 'ERROR' ? '#f2495c' : colourOf(span.service);
      const x = (span.start / total) * width;
      ctx.fillRect(x, (span.index / n) * (HEIGHT - 2), Math.max((span.duration / total) * width, 1), Math.max(HEIGHT / n, 1));
    }
  }

  function show() {
    const [a, b] = current || [0, total];
    windowBox.style.left = `${(a / total) * 100}%`;
    windowBox.style.width = `${((b - a) / total) * 100}%`;
    windowBox.hidden = !current;
    label.textContent = current ? `Zoomed to +${fmtDuration(a)} … +${fmtDuration(b)} of ${fmtDuration(total)}` : `Whole trace: ${fmtDuration(total)}`;
    reset.hidden = !current;
  }

  const at = (event) => {
    const box = strip.getBoundingClientRect();
    return Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1) * total;
  };
  let dragFrom = null;
  strip.addEventListener('pointerdown', (event) => {
    dragFrom = at(event);
    strip.setPointerCapture(event.pointerId);
  });
  strip.addEventListener('pointermove', (event) => {
    if (dragFrom === null) return;
    const to = at(event);
    current = [Math.min(dragFrom, to), Math.max(dragFrom, to)];
    show();
  });
  strip.addEventListener('pointerup', (event) => {
    if (dragFrom === null) return;
    const to = at(event);
    const range = /** @type {[number, number]} */ ([Math.min(dragFrom, to), Math.max(dragFrom, to)]);
    dragFrom = null;
    if (range[1] - range[0] < total / 1000) { show(); return; }
    current = range;
    show();
    onZoom(current);
  });
  strip.addEventListener('dblclick', () => { current = null; show(); onZoom(null); });
  reset.addEventListener('click', () => { current = null; show(); onZoom(null); });
  show();
  requestAnimationFrame(paint);
  return { el };
}
