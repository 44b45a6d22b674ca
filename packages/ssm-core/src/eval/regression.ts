/** Mean and sample standard deviation (n − 1 denominator; 0 for a single value). */
export function meanAndStd(xs: readonly number[]): { mean: number; std: number } {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error(`meanAndStd: argument 'xs' must be a non-empty array of numbers, received ${Array.isArray(xs) ? 'an empty array' : String(xs)}`);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0 };
  const ss = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/**
 * Errors of yPred against yTrue (accumulated in float64). mape is a fraction (0.05 = 5%), averaged
 * over the entries with yTrue ≠ 0 (NaN when all are 0).
 */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): { mse: number; mae: number; rmse: number; mape: number } {
  const OP = 'regressionMetrics';
  if (yTrue == null || yPred == null || yTrue.length !== yPred.length) {
    throw new Error(`${OP}: 'yTrue' and 'yPred' must be arrays of the same length, received ${yTrue?.length} and ${yPred?.length}`);
  }
  const n = yTrue.length;
  if (n === 0) throw new Error(`${OP}: 'yTrue' must not be empty`);
  let se = 0;
  let ae = 0;
  let ape = 0;
  let nz = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!Number.isFinite(t) || !Number.isFinite(p)) throw new Error(`${OP}: non-finite value at index ${i}: yTrue=${t}, yPred=${p}`);
    const e = p - t;
    se += e * e;
    ae += Math.abs(e);
    if (t !== 0) {
      ape += Math.abs(e / t);
      nz++;
    }
  }
  return { mse: se / n, mae: ae / n, rmse: Math.sqrt(se / n), mape: nz > 0 ? ape / nz : NaN };
}
