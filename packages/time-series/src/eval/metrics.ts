import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { StandardScaler } from '../data/splits';
import type { WindowSet } from '../data/windows';

export interface ForecastMetrics {
  /** On the scaled values, averaged over all windows, steps and target variates (the Informer convention). */
  mse: number;
  mae: number;
  rmse: number;
  /**
   * Mean absolute percentage error in the original units, as a fraction, over the entries whose truth is not
   * near zero (|truth| ≥ 1% of the column's train std): ETT columns cross zero, where MAPE is meaningless.
   */
  mape: number;
  windows: number;
}

/**
 * Running sums for the metrics, so that long horizons over thousands of windows never need all predictions at
 * once (ETTh1 at H = 720 would be 11 M values). Float64 sums.
 */
export class MetricAccumulator {
  private se = 0;
  private ae = 0;
  private ape = 0;
  private n = 0;
  private nz = 0;
  windows = 0;
  constructor(
    private readonly scaler: StandardScaler | null = null,
    private readonly targetCols: number[] = [],
  ) {}

  /** Adds predictions and truths (scaled, row-major …× targets). */
  add(truth: ArrayLike<number>, pred: ArrayLike<number>, windows: number): void {
    if (truth.length !== pred.length) throw new Error(`MetricAccumulator.add: truth has ${truth.length} values, prediction ${pred.length}`);
    const T = this.targetCols.length;
    for (let i = 0; i < truth.length; i++) {
      const e = pred[i] - truth[i];
      if (!Number.isFinite(e)) throw new Error(`MetricAccumulator.add: non-finite prediction or truth at index ${i} (${pred[i]}, ${truth[i]})`);
      this.se += e * e;
      this.ae += Math.abs(e);
      if (this.scaler && T > 0) {
        const j = this.targetCols[i % T];
        const t = truth[i] * this.scaler.std[j] + this.scaler.mean[j];
        if (Math.abs(t) >= 0.01 * this.scaler.std[j]) {
          this.ape += Math.abs((e * this.scaler.std[j]) / t);
          this.nz++;
        }
      }
    }
    this.n += truth.length;
    this.windows += windows;
  }

  result(): ForecastMetrics {
    if (this.n === 0) throw new Error('MetricAccumulator.result: no values were added');
    const mse = this.se / this.n;
    return { mse, mae: this.ae / this.n, rmse: Math.sqrt(mse), mape: this.nz > 0 ? this.ape / this.nz : NaN, windows: this.windows };
  }
}

/**
 * Forecasts every window of a set (in time order, in batches) and returns the metrics on scaled values.
 * `stride` > 1 evaluates every stride-th window only (smoke runs; the protocol figure needs stride 1).
 */
export function evaluateWindows(model: tfl.LayersModel, set: WindowSet, scaler: StandardScaler | null, batch = 256, stride = 1): ForecastMetrics {
  const acc = new MetricAccumulator(scaler, set.targetCols);
  const all = Int32Array.from({ length: Math.ceil(set.count / stride) }, (_, i) => i * stride);
  for (let s = 0; s < all.length; s += batch) {
    const ix = all.subarray(s, Math.min(s + batch, all.length));
    const b = set.batch(ix);
    const pred = tf.tidy(() => model.predict(b.x) as tf.Tensor);
    acc.add(b.y.dataSync(), pred.dataSync(), ix.length);
    tf.dispose([b.x, b.y, pred]);
  }
  return acc.result();
}
