import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { gridSvg, lineChartSvg, trainingCurvesSvg, writePng, type EpochRecord } from '@statespace/ssm-core';
import type { StandardScaler } from '../data/splits';
import type { WindowSet } from '../data/windows';

export interface ForecastPlotOptions {
  /** Window indices of the set to draw (default: 3 spread over the set). */
  windows?: number[];
  /** Target variates to draw, by position among the set's targets (default: the last one, e.g. OT). */
  variates?: number[];
  columnNames?: string[];
  title?: string;
}

/** Window indices spread evenly over a set. */
export function spreadWindows(count: number, n = 3): number[] {
  return Array.from({ length: Math.min(n, count) }, (_, i) => Math.floor(((i + 0.5) * count) / Math.min(n, count)));
}

/**
 * History, truth and forecast (original units) for chosen windows and target variates, one panel each, as
 * SVG. `forecast(x)` maps a (1, L, inputs) window to (1, H, targets).
 */
export function forecastSvg(set: WindowSet, scaler: StandardScaler, forecast: (x: tf.Tensor3D) => tf.Tensor, o: ForecastPlotOptions = {}): string {
  const windows = o.windows ?? spreadWindows(set.count);
  const T = set.targetCols.length;
  const variates = o.variates ?? [T - 1];
  const { lookback: L, horizon: H } = set;
  const panels: string[] = [];
  for (const w of windows) {
    const b = set.batch([w]);
    const pred = tf.tidy(() => forecast(b.x).dataSync().slice());
    const x = b.x.dataSync();
    const y = b.y.dataSync();
    tf.dispose([b.x, b.y]);
    for (const t of variates) {
      if (!(t >= 0 && t < T)) throw new Error(`forecastSvg: variate ${t} is not one of the ${T} targets`);
      const col = set.targetCols[t];
      const v = set.inputCols.indexOf(col);
      const un = (val: number) => val * scaler.std[col] + scaler.mean[col];
      const hx = Array.from({ length: L }, (_, i) => i);
      const fx = Array.from({ length: H }, (_, i) => L + i);
      const series = [
        ...(v >= 0 ? [{ name: 'history', x: hx, y: hx.map((i) => un(x[i * set.inputCols.length + v])) }] : []),
        { name: 'truth', x: fx, y: fx.map((_, i) => un(y[i * T + t])) },
        { name: 'forecast', x: fx, y: fx.map((_, i) => un(pred[i * T + t])), dashed: true },
      ];
      const name = o.columnNames?.[col] ?? `variate ${col}`;
      panels.push(lineChartSvg({ series, title: `${name}, window ${w}`, xLabel: 'step', vline: L - 0.5, width: 560, height: 300 }));
    }
  }
  return gridSvg(panels, Math.min(panels.length, 2), 560, 300, o.title);
}

export async function writeForecastPng(file: string, model: tfl.LayersModel, set: WindowSet, scaler: StandardScaler, o: ForecastPlotOptions = {}): Promise<void> {
  await writePng(forecastSvg(set, scaler, (x) => model.predict(x) as tf.Tensor, o), file);
}

export async function writeTrainingCurvesPng(file: string, history: EpochRecord[]): Promise<void> {
  await writePng(trainingCurvesSvg(history), file);
}
