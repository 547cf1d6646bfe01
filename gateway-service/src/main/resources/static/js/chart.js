// Small inline-SVG charts for the admin console (no library): stacked bars of counts per bucket, or
// lines of latencies. Each chart says in words what it shows (aria-label and a summary), colours
// come from the stylesheet, and a legend names every series.
import { h, svg } from './dom.js';
import { clockTime } from './format.js';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 52 };

function niceMax(value) {
  if (!(value > 0)) {
    return 1;
  }
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value);
  return step * magnitude;
}

/**
 * A chart of `buckets` (each {start, ...}); `series` [{key, label, className}]. kind 'bars' stacks
 * the series per bucket; 'lines' draws each series, skipping nulls. `format` renders a y value.
 */
export function chart({ id, title, summary, buckets, series, kind, format = String }) {
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const n = Math.max(1, buckets.length);
  const totals = buckets.map((b) => (kind === 'bars'
    ? series.reduce((sum, s) => sum + (b[s.key] || 0), 0)
    : Math.max(0, ...series.map((s) => b[s.key] ?? 0))));
  const max = niceMax(Math.max(0, ...totals));
  const x = (i) => PAD.left + (innerW * i) / n;
  const y = (v) => PAD.top + innerH - (innerH * v) / max;

  const grid = [0, 0.5, 1].map((f) => svg('g', { class: 'grid' },
    svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(max * f), y2: y(max * f) }),
    svg('text', { x: PAD.left - 6, y: y(max * f) + 4, 'text-anchor': 'end' }, format(max * f))));
  const ticks = buckets.length ? [0, Math.floor(buckets.length / 2), buckets.length - 1] : [];
  // the first and last labels are anchored inside the chart, so they are never cut off at its edges
  const labels = [...new Set(ticks)].map((i) => svg('text', {
    class: 'axis', y: HEIGHT - 8,
    x: i === 0 ? PAD.left : i === buckets.length - 1 ? WIDTH - PAD.right : x(i) + innerW / n / 2,
    'text-anchor': i === 0 ? 'start' : i === buckets.length - 1 ? 'end' : 'middle',
  }, clockTime(new Date(buckets[i].start))));

  const marks = [];
  if (kind === 'bars') {
    const barW = Math.max(1, innerW / n - 1);
    buckets.forEach((b, i) => {
      let base = 0;
      for (const s of series) {
        const v = b[s.key] || 0;
        if (v > 0) {
          marks.push(svg('rect', {
            class: s.className, x: x(i), width: barW, y: y(base + v), height: y(base) - y(base + v),
          }, svg('title', {}, `${clockTime(new Date(b.start))}: ${v} ${s.label}`)));
        }
        base += v;
      }
    });
  } else {
    for (const s of series) {
      let path = '';
      let pen = false;
      buckets.forEach((b, i) => {
        const v = b[s.key];
        if (v === null || v === undefined) {
          pen = false;
          return;
        }
        path += `${pen ? 'L' : 'M'}${(x(i) + innerW / n / 2).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
      });
      if (path) {
        marks.push(svg('path', { class: `line ${s.className}`, d: path }));
      }
      buckets.forEach((b, i) => {
        const v = b[s.key];
        if (v !== null && v !== undefined) {
          marks.push(svg('circle', { class: `dot ${s.className}`, cx: x(i) + innerW / n / 2, cy: y(v), r: 2.5 },
            svg('title', {}, `${clockTime(new Date(b.start))}: ${s.label} ${format(v)}`)));
        }
      });
    }
  }

  const picture = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${id}-title`, 'aria-describedby': `${id}-summary`,
    preserveAspectRatio: 'xMidYMid meet', class: 'chart', id,
  }, svg('title', { id: `${id}-title` }, title), grid, labels, marks);
  return h('figure', { class: 'chart-figure' },
    h('figcaption', {}, h('h3', {}, title)),
    picture,
    h('ul', { class: 'legend' }, series.map((s) => h('li', {}, h('span', { class: `swatch ${s.className}`, 'aria-hidden': 'true' }), s.label))),
    h('p', { class: 'hint', id: `${id}-summary` }, summary));
}
