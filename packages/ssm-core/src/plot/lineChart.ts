import { PALETTE, esc, num, text, svgDocument, niceTicks, tickLabel } from './svg';

export interface Series {
  name: string;
  /** Default 0..y.length-1 (or 1.. for epochs: pass x explicitly). */
  x?: number[];
  y: number[];
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  series: Series[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** A dashed vertical marker at this x (e.g. the best epoch, the forecast start). */
  vline?: number;
  /** Logarithmic y axis (non-positive values are left out). */
  logY?: boolean;
}

/**
 * Line chart as an SVG string: axes with nice ticks, grid, legend, optional title/labels/marker.
 * Hand-written: no charting library is a dependency, and server-side SVG needs only strings.
 * Non-finite points break a line into segments rather than drawing to 0.
 */
export function lineChartSvg(o: LineChartOptions): string {
  if (o == null || !Array.isArray(o.series) || o.series.length === 0) throw new Error(`lineChartSvg: option 'series' must be a non-empty array of {name, y}, received ${String(o?.series)}`);
  const width = o.width ?? 640;
  const height = o.height ?? 400;
  o.series.forEach((s, i) => {
    if (!Array.isArray(s.y)) throw new Error(`lineChartSvg: series[${i}] ('${s.name}') needs a 'y' array`);
    if (s.x !== undefined && s.x.length !== s.y.length) throw new Error(`lineChartSvg: series[${i}] ('${s.name}') has ${s.x.length} x values but ${s.y.length} y values`);
  });
  const fy = (v: number) => (o.logY ? (v > 0 ? Math.log10(v) : NaN) : v);
  const pts = o.series.map((s) => s.y.map((y, i) => [s.x ? s.x[i] : i, fy(y)] as const));
  const finite = pts.flat().filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  let [x0, x1] = finite.length ? [Math.min(...finite.map((p) => p[0])), Math.max(...finite.map((p) => p[0]))] : [0, 1];
  let [y0, y1] = finite.length ? [Math.min(...finite.map((p) => p[1])), Math.max(...finite.map((p) => p[1]))] : [0, 1];
  if (o.vline !== undefined && Number.isFinite(o.vline)) [x0, x1] = [Math.min(x0, o.vline), Math.max(x1, o.vline)];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - (Math.abs(y0) || 1) * 0.1, y1 + (Math.abs(y1) || 1) * 0.1];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;

  const m = { l: 64, r: 24, t: o.title ? 32 : 14, b: o.xLabel ? 46 : 30 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  if (o.title) parts.push(text(width / 2, 20, o.title, 'text-anchor="middle" font-size="14" font-weight="bold"'));

  // Ticks and grid. On a log axis, ticks are at integer powers of ten when there are enough of them.
  const decades: number[] = [];
  if (o.logY) for (let k = Math.ceil(y0); k <= Math.floor(y1); k++) decades.push(k);
  const yTickVals = o.logY && decades.length >= 2 ? decades : niceTicks(y0, y1, 5);
  for (const v of yTickVals) {
    const y = sy(v);
    parts.push(`<line x1="${m.l}" y1="${num(y)}" x2="${m.l + pw}" y2="${num(y)}" stroke="#e5e5e5"/>`,
      text(m.l - 6, y + 4, tickLabel(o.logY ? Math.pow(10, v) : v), 'text-anchor="end" class="ytick"'));
  }
  for (const v of niceTicks(x0, x1, 6)) {
    const x = sx(v);
    parts.push(`<line x1="${num(x)}" y1="${m.t}" x2="${num(x)}" y2="${m.t + ph}" stroke="#f0f0f0"/>`,
      `<line x1="${num(x)}" y1="${m.t + ph}" x2="${num(x)}" y2="${m.t + ph + 4}" stroke="black"/>`,
      text(x, m.t + ph + 16, tickLabel(v), 'text-anchor="middle" class="xtick"'));
  }
  parts.push(`<path d="M${m.l},${m.t}V${m.t + ph}H${m.l + pw}" fill="none" stroke="black" class="axes"/>`);
  if (o.xLabel) parts.push(text(m.l + pw / 2, height - 8, o.xLabel, 'text-anchor="middle" class="xlabel"'));
  if (o.yLabel) parts.push(text(14, m.t + ph / 2, o.yLabel, `text-anchor="middle" transform="rotate(-90 14 ${num(m.t + ph / 2)})" class="ylabel"`));
  if (o.vline !== undefined && Number.isFinite(o.vline)) {
    parts.push(`<line x1="${num(sx(o.vline))}" y1="${m.t}" x2="${num(sx(o.vline))}" y2="${m.t + ph}" stroke="#555" stroke-dasharray="4 3" class="vline"/>`);
  }

  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    let d = '';
    let pen = false;
    for (const [x, y] of pts[i]) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${num(sx(x))},${num(sy(y))}`;
      pen = true;
    }
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<path d="${d}" fill="none" stroke="${esc(color)}" stroke-width="1.6"${dash} data-series="${esc(s.name)}"/>`);
    if (pts[i].filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).length === 1) {
      const [x, y] = pts[i].find(([xx, yy]) => Number.isFinite(xx) && Number.isFinite(yy))!;
      parts.push(`<circle cx="${num(sx(x))}" cy="${num(sy(y))}" r="2.5" fill="${esc(color)}"/>`);
    }
  });

  // Legend, top right inside the plot.
  const lw = Math.min(pw * 0.6, 30 + 7 * Math.max(...o.series.map((s) => s.name.length)));
  const lx = m.l + pw - lw - 6;
  parts.push(`<rect x="${num(lx)}" y="${m.t + 6}" width="${num(lw)}" height="${o.series.length * 16 + 6}" fill="white" fill-opacity="0.85" stroke="#ccc" class="legend"/>`);
  o.series.forEach((s, i) => {
    const y = m.t + 18 + i * 16;
    const color = s.color ?? PALETTE[i % PALETTE.length];
    parts.push(`<line x1="${num(lx + 6)}" y1="${y - 4}" x2="${num(lx + 24)}" y2="${y - 4}" stroke="${esc(color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      text(lx + 30, y, s.name, 'font-size="11"'));
  });
  return svgDocument(width, height, parts.join(''));
}
