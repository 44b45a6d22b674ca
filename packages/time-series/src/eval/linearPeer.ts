import type { WindowSet } from '../data/windows';
import { MetricAccumulator, type ForecastMetrics } from './metrics';

/**
 * The closed-form linear peer (ALGORITHMS §2.3): one ridge regression shared by all variates (channel
 * independent) from the last-value-subtracted lookback window to the last-value-subtracted horizon, with an
 * intercept; W = (XᵀX + λI)⁻¹ XᵀY over every train window and variate. Float64 throughout; solved by Cholesky.
 */
export class LinearPeer {
  constructor(
    readonly lookback: number,
    readonly horizon: number,
    /** (L + 1) × H, last row the intercept. */
    readonly weights: Float64Array,
  ) {}

  static fit(train: WindowSet, ridge = 0.1): LinearPeer {
    const { lookback: L, horizon: H } = train;
    const P = L + 1;
    const xtx = new Float64Array(P * P);
    const xty = new Float64Array(P * H);
    const row = new Float64Array(P);
    const chunk = 512;
    for (let s = 0; s < train.count; s += chunk) {
      const idx = Array.from({ length: Math.min(chunk, train.count - s) }, (_, i) => s + i);
      const { x, y } = train.gather(idx);
      const V = train.inputCols.length;
      const T = train.targetCols.length;
      for (let w = 0; w < idx.length; w++)
        for (let t = 0; t < T; t++) {
          const v = train.inputCols.indexOf(train.targetCols[t]);
          if (v < 0) throw new Error('LinearPeer: each target must also be an input (modes M and S)');
          const last = x[(w * L + L - 1) * V + v];
          for (let i = 0; i < L; i++) row[i] = x[(w * L + i) * V + v] - last;
          row[L] = 1;
          for (let i = 0; i < P; i++) {
            const ri = row[i];
            if (ri === 0) continue;
            for (let j = i; j < P; j++) xtx[i * P + j] += ri * row[j];
            for (let h = 0; h < H; h++) xty[i * H + h] += ri * (y[(w * H + h) * T + t] - last);
          }
        }
    }
    for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) xtx[i * P + j] = xtx[j * P + i];
    for (let i = 0; i < L; i++) xtx[i * P + i] += ridge; // the intercept is not penalized
    return new LinearPeer(L, H, choleskySolve(xtx, xty, P, H));
  }

  /** Forecasts (windows × H × targets) for history x (windows × L × inputs). */
  predict(x: Float32Array, windows: number, inputCols: number[], targetCols: number[]): Float32Array {
    const { lookback: L, horizon: H, weights: W } = this;
    const V = inputCols.length;
    const T = targetCols.length;
    const out = new Float32Array(windows * H * T);
    for (let w = 0; w < windows; w++)
      for (let t = 0; t < T; t++) {
        const v = inputCols.indexOf(targetCols[t]);
        const last = x[(w * L + L - 1) * V + v];
        for (let h = 0; h < H; h++) {
          let s = W[L * H + h];
          for (let i = 0; i < L; i++) s += (x[(w * L + i) * V + v] - last) * W[i * H + h];
          out[(w * H + h) * T + t] = s + last;
        }
      }
    return out;
  }

  evaluate(set: WindowSet): ForecastMetrics {
    const acc = new MetricAccumulator();
    for (let s = 0; s < set.count; s += 512) {
      const idx = Array.from({ length: Math.min(512, set.count - s) }, (_, i) => s + i);
      const { x, y } = set.gather(idx);
      acc.add(y, this.predict(x, idx.length, set.inputCols, set.targetCols), idx.length);
    }
    return acc.result();
  }
}

/** Solves A X = B for symmetric positive definite A (n × n) and B (n × m), row-major. */
export function choleskySolve(A: Float64Array, B: Float64Array, n: number, m: number): Float64Array {
  const Lm = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= Lm[i * n + k] * Lm[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`choleskySolve: matrix is not positive definite (pivot ${i} = ${s})`);
        Lm[i * n + i] = Math.sqrt(s);
      } else Lm[i * n + j] = s / Lm[j * n + j];
    }
  const X = new Float64Array(n * m);
  for (let c = 0; c < m; c++) {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = B[i * m + c];
      for (let k = 0; k < i; k++) s -= Lm[i * n + k] * z[k];
      z[i] = s / Lm[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = z[i];
      for (let k = i + 1; k < n; k++) s -= Lm[k * n + i] * X[k * m + c];
      X[i * m + c] = s / Lm[i * n + i];
    }
  }
  return X;
}
