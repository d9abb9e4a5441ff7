// A small grouped bar chart in SVG (live beside draft per figure). Decoration for the eye only:
// every figure it draws is also in a table next to it, so the SVG is one labelled image.
const NS = 'http://www.w3.org/2000/svg';
export const COLORS = { live: '#5b4bdb', draft: '#c2621b' };

function svg(tag, attrs = {}, ...kids) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  for (const kid of kids) n.append(kid);
  return n;
}

/** groups: [{label, live, draft}]; names: {live, draft} for the legend; format(n) for titles. */
export function pairedBars(title, groups, names, format) {
  const W = 460; const H = 200; const pad = { l: 8, r: 8, t: 10, b: 34 };
  const max = Math.max(1, ...groups.flatMap((g) => [Math.abs(g.live ?? 0), Math.abs(g.draft ?? 0)]));
  const slot = (W - pad.l - pad.r) / groups.length;
  const bar = Math.min(36, (slot - 12) / 2);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'sim-chart' });
  chart.append(svg('line', { x1: pad.l, x2: W - pad.r, y1: H - pad.b, y2: H - pad.b, stroke: '#d9d5e3' }));
  groups.forEach((g, i) => {
    const mid = pad.l + slot * (i + 0.5);
    ['live', 'draft'].forEach((side, k) => {
      const h = ((H - pad.t - pad.b) * Math.abs(g[side] ?? 0)) / max;
      const x = mid - bar - 1 + k * (bar + 2);
      chart.append(svg('rect', { x, y: H - pad.b - h, width: bar, height: Math.max(h, 0.5), rx: 2, fill: COLORS[side] },
        svg('title', {}, `${g.label} · ${names[side]}: ${format(g[side] ?? 0)}`)));
    });
    chart.append(svg('text', { x: mid, y: H - pad.b + 16, 'text-anchor': 'middle', class: 'sim-ax' }, g.label));
  });
  return chart;
}
