import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '@statespace/ssm-core';

/** Forecasting modes: M (all variates → all), S (target → target), MS (all variates → target). */
export type ForecastMode = 'M' | 'S' | 'MS';
export const FORECAST_MODES: readonly ForecastMode[] = ['M', 'S', 'MS'];

export interface WindowBatch {
  x: tf.Tensor3D; // (batch, lookback, inputs), scaled
  y: tf.Tensor3D; // (batch, horizon, targets), scaled
}

/**
 * Stride-1 sliding windows over rows [start, end) of a scaled row-major series: window i has history rows
 * [start+i, start+i+L) and targets [start+i+L, start+i+L+H).
 */
export class WindowSet {
  readonly count: number;

  constructor(
    readonly name: string,
    readonly data: Float32Array,
    readonly width: number,
    readonly start: number,
    readonly end: number,
    readonly lookback: number,
    readonly horizon: number,
    readonly inputCols: number[],
    readonly targetCols: number[],
  ) {
    this.count = end - start - lookback - horizon + 1;
    if (this.count < 1)
      throw new Error(
        `${name} split has ${end - start} rows (rows ${start}..${end - 1}); a window needs lookback + horizon = ${lookback + horizon}`,
      );
  }

  /** History (count·L·inputs) and target (count·H·targets) values of the given windows. */
  gather(indices: ArrayLike<number>): { x: Float32Array; y: Float32Array } {
    const { lookback: L, horizon: H, inputCols: ic, targetCols: tc, width: W, data } = this;
    const x = new Float32Array(indices.length * L * ic.length);
    const y = new Float32Array(indices.length * H * tc.length);
    for (let b = 0; b < indices.length; b++) {
      const i = indices[b];
      if (!(i >= 0 && i < this.count)) throw new Error(`${this.name} windows: index ${i} outside [0, ${this.count})`);
      const s = this.start + i;
      for (let t = 0; t < L; t++) for (let j = 0; j < ic.length; j++) x[(b * L + t) * ic.length + j] = data[(s + t) * W + ic[j]];
      for (let t = 0; t < H; t++) for (let j = 0; j < tc.length; j++) y[(b * H + t) * tc.length + j] = data[(s + L + t) * W + tc[j]];
    }
    return { x, y };
  }

  batch(indices: ArrayLike<number>): WindowBatch {
    const { x, y } = this.gather(indices);
    const B = indices.length;
    return {
      x: tf.tensor3d(x, [B, this.lookback, this.inputCols.length]),
      y: tf.tensor3d(y, [B, this.horizon, this.targetCols.length]),
    };
  }

  /** Window indices in batches: shuffled with the seeded generator when `rng` is given, else in time order. */
  batchIndices(batch: number, rng?: () => number, dropLast = false): Int32Array[] {
    const idx = Int32Array.from({ length: this.count }, (_, i) => i);
    if (rng) shuffleInPlace(idx, rng);
    const out: Int32Array[] = [];
    for (let i = 0; i < idx.length; i += batch) {
      if (dropLast && i + batch > idx.length) break;
      out.push(idx.subarray(i, Math.min(i + batch, idx.length)));
    }
    return out;
  }

  /** Seeded shuffled batches for one epoch (seed + epoch gives a new order each epoch, reproducibly). */
  *shuffledBatches(batch: number, seed: number, dropLast = false): Generator<WindowBatch> {
    for (const ix of this.batchIndices(batch, mulberry32(seed), dropLast)) yield this.batch(ix);
  }
}

/** Fisher–Yates shuffle driven by `rng` (uniform in [0, 1)). */
export function shuffleInPlace(a: Int32Array, rng: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
