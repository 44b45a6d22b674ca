import type { EpochRecord } from '../train/fit/types';
import { lineChartSvg, type Series } from './lineChart';
import { num, text, svgDocument } from './svg';

/**
 * Panels (full SVG documents) laid out in a grid, each scaled into panelW × panelH, as nested <svg>
 * elements (standard SVG, rendered by librsvg/sharp and browsers).
 */
export function gridSvg(panels: string[], cols: number, panelW: number, panelH: number, title?: string): string {
  if (!Array.isArray(panels) || panels.length === 0) throw new Error('gridSvg: argument \'panels\' must be a non-empty array of SVG strings');
  if (!Number.isInteger(cols) || cols < 1) throw new Error(`gridSvg: argument 'cols' must be an integer >= 1, received ${String(cols)}`);
  const rows = Math.ceil(panels.length / cols);
  const top = title ? 30 : 0;
  const width = Math.min(cols, panels.length) * panelW;
  const height = top + rows * panelH;
  const body = panels.map((p, i) => {
    const m = /^\s*(?:<\?xml[^>]*>\s*)?<svg\b([^>]*)>([\s\S]*)<\/svg>\s*$/.exec(p);
    if (m == null) throw new Error(`gridSvg: panels[${i}] is not an <svg>…</svg> document`);
    const attr = (k: string) => new RegExp(`\\s${k}="([^"]*)"`).exec(m[1])?.[1];
    const viewBox = attr('viewBox') ?? `0 0 ${attr('width') ?? panelW} ${attr('height') ?? panelH}`;
    const x = (i % cols) * panelW;
    const y = top + Math.floor(i / cols) * panelH;
    const font = attr('font-family') ? ` font-family="${attr('font-family')}"` : '';
    return `<svg x="${x}" y="${y}" width="${panelW}" height="${panelH}" viewBox="${viewBox}"${font} font-size="${attr('font-size') ?? 12}">${m[2]}</svg>`;
  }).join('');
  const head = title ? text(width / 2, 21, title, 'text-anchor="middle" font-size="16" font-weight="bold"') : '';
  return svgDocument(width, height, head + body);
}

/** White → blue by value in [0, 1]. */
function cellColor(t: number): string {
  const c = (a: number, b: number) => Math.round(a + (b - a) * Math.max(0, Math.min(1, t)));
  return `rgb(${c(255, 8)},${c(255, 48)},${c(255, 107)})`;
}

/** Confusion matrix heatmap (rows: true class, columns: predicted); `normalize` shows row fractions. */
export function confusionMatrixSvg(m: number[][], labels: string[], o: { title?: string; normalize?: boolean } = {}): string {
  const k = m?.length ?? 0;
  if (k === 0 || m.some((r) => !Array.isArray(r) || r.length !== k)) throw new Error(`confusionMatrixSvg: argument 'm' must be a square k×k matrix, received ${k} rows`);
  if (labels.length !== k) throw new Error(`confusionMatrixSvg: argument 'labels' must have ${k} names, received ${labels.length}`);
  const cell = Math.max(18, Math.min(56, Math.floor(560 / k)));
  const labelW = Math.min(160, 12 + 7 * Math.max(...labels.map((l) => l.length)));
  const top = (o.title ? 34 : 10) + labelW;
  const left = 26 + labelW;
  const width = left + k * cell + 16;
  const height = top + k * cell + 10;
  const values = m.map((row) => {
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (o.normalize ? (s > 0 ? v / s : 0) : v));
  });
  const max = Math.max(...values.flat(), 1e-12);
  const parts: string[] = [];
  if (o.title) parts.push(text(width / 2, 20, o.title, 'text-anchor="middle" font-size="14" font-weight="bold"'));
  const fs = Math.max(7, Math.min(12, cell / 3.2));
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const v = values[t][p];
      const x = left + p * cell;
      const y = top + t * cell;
      const frac = v / max;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${cellColor(frac)}" stroke="#ddd" data-true="${t}" data-pred="${p}" data-value="${num(v, 6)}"/>`);
      if (cell >= 22) {
        const label = o.normalize ? v.toFixed(2) : String(v);
        parts.push(text(x + cell / 2, y + cell / 2 + fs / 3, label, `text-anchor="middle" font-size="${num(fs)}" fill="${frac > 0.5 ? 'white' : 'black'}"`));
      }
    }
  }
  labels.forEach((l, i) => {
    const y = top + i * cell + cell / 2 + 4;
    parts.push(text(left - 6, y, l, 'text-anchor="end" font-size="11"'));
    const x = left + i * cell + cell / 2 + 4;
    parts.push(text(x, top - 6, l, `text-anchor="start" font-size="11" transform="rotate(-90 ${num(x)} ${num(top - 6)})"`));
  });
  parts.push(text(12, top + (k * cell) / 2, 'true', `text-anchor="middle" transform="rotate(-90 12 ${num(top + (k * cell) / 2)})"`));
  parts.push(text(left + (k * cell) / 2, o.title ? 30 : 10, 'predicted', 'text-anchor="middle" dominant-baseline="hanging"'));
  return svgDocument(width, height, parts.join(''));
}

/**
 * Training curves: one panel with train loss (and val loss when recorded), then one panel per other
 * validation metric (or per name in `metrics`); the best epoch is not known here, so no marker.
 */
export function trainingCurvesSvg(history: EpochRecord[], metrics?: string[]): string {
  if (!Array.isArray(history) || history.length === 0) throw new Error('trainingCurvesSvg: argument \'history\' must be a non-empty array of epoch records');
  const epochs = history.map((h) => h.epoch);
  const valOf = (k: string) => history.map((h) => h.val?.[k] ?? NaN);
  const lossSeries: Series[] = [{ name: 'train loss', x: epochs, y: history.map((h) => h.trainLoss) }];
  if (history.some((h) => h.val?.loss !== undefined)) lossSeries.push({ name: 'val loss', x: epochs, y: valOf('loss'), dashed: true });
  const names = metrics ?? [...new Set(history.flatMap((h) => Object.keys(h.val ?? {})))].filter((k) => k !== 'loss');
  const panels = [lineChartSvg({ series: lossSeries, title: 'loss', xLabel: 'epoch', width: 480, height: 320 })];
  for (const k of names.filter((n) => n !== 'loss')) {
    panels.push(lineChartSvg({ series: [{ name: `val ${k}`, x: epochs, y: valOf(k) }], title: k, xLabel: 'epoch', width: 480, height: 320 }));
  }
  return gridSvg(panels, Math.min(panels.length, 3), 480, 320);
}
