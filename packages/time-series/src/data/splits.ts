import * as path from 'path';

/** How rows are split into train / validation / test (ALGORITHMS §2.3). */
export type SplitProtocol = 'ett-hour' | 'ett-minute' | 'ratio';
export const SPLIT_PROTOCOLS: readonly SplitProtocol[] = ['ett-hour', 'ett-minute', 'ratio'];

/** Half-open row ranges [start, end); val and test start `lookback` rows early so their first window has history. */
export interface SplitBorders {
  train: [number, number];
  val: [number, number];
  test: [number, number];
}

/** ETTh*.csv → 'ett-hour', ETTm*.csv → 'ett-minute', anything else → 'ratio' (70/10/20 by time). */
export function detectProtocol(file: string): SplitProtocol {
  const base = path.basename(file);
  if (/^ETTh\d/i.test(base)) return 'ett-hour';
  if (/^ETTm\d/i.test(base)) return 'ett-minute';
  return 'ratio';
}

/**
 * Informer / iTransformer borders. ETT hourly: train [0, 8640), val [8640 − L, 11520), test [11520 − L, 14400)
 * (12 / 4 / 4 months of 30 days); 15-minute ETT: the same × 4. Other CSVs: train int(0.7 n) rows, test int(0.2 n),
 * validation the rest, in time order (Dataset_Custom).
 */
export function splitBorders(protocol: SplitProtocol, n: number, lookback: number): SplitBorders {
  if (protocol === 'ett-hour' || protocol === 'ett-minute') {
    const unit = protocol === 'ett-hour' ? 30 * 24 : 30 * 24 * 4;
    const [a, b, c] = [12 * unit, 16 * unit, 20 * unit];
    if (n < c) throw new Error(`${protocol} protocol needs at least ${c} rows (12/4/4 months), the series has ${n}`);
    return { train: [0, a], val: [a - lookback, b], test: [b - lookback, c] };
  }
  if (protocol !== 'ratio') throw new Error(`split: expected one of ${SPLIT_PROTOCOLS.join(', ')}, received '${String(protocol)}'`);
  const numTrain = Math.floor(n * 0.7);
  const numTest = Math.floor(n * 0.2);
  const numVal = n - numTrain - numTest;
  return {
    train: [0, numTrain],
    val: [Math.max(0, numTrain - lookback), numTrain + numVal],
    test: [Math.max(0, n - numTest - lookback), n],
  };
}

/** Per-column standard scaler (population std, as sklearn); a constant column gets std 1. */
export class StandardScaler {
  constructor(
    readonly mean: Float64Array,
    readonly std: Float64Array,
  ) {}

  /** Fits on rows [0, rowEnd) of a row-major (rows × width) array: the train rows only. */
  static fit(values: ArrayLike<number>, width: number, rowEnd: number): StandardScaler {
    if (rowEnd < 1) throw new Error(`StandardScaler.fit: need at least one train row, received ${rowEnd}`);
    const mean = new Float64Array(width);
    const sq = new Float64Array(width);
    for (let t = 0; t < rowEnd; t++) for (let j = 0; j < width; j++) mean[j] += values[t * width + j];
    for (let j = 0; j < width; j++) mean[j] /= rowEnd;
    for (let t = 0; t < rowEnd; t++)
      for (let j = 0; j < width; j++) {
        const d = values[t * width + j] - mean[j];
        sq[j] += d * d;
      }
    const std = sq.map((s) => Math.sqrt(s / rowEnd) || 1);
    return new StandardScaler(mean, std);
  }

  transform(values: ArrayLike<number>, width: number): Float32Array {
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = (values[i] - this.mean[i % width]) / this.std[i % width];
    return out;
  }

  /** Inverse for the columns `cols` (values row-major with cols.length columns). */
  inverse(values: ArrayLike<number>, cols: number[]): Float32Array {
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const j = cols[i % cols.length];
      out[i] = values[i] * this.std[j] + this.mean[j];
    }
    return out;
  }

  toJSON(): { mean: number[]; std: number[] } {
    return { mean: Array.from(this.mean), std: Array.from(this.std) };
  }

  static fromJSON(o: { mean: number[]; std: number[] }): StandardScaler {
    return new StandardScaler(Float64Array.from(o.mean), Float64Array.from(o.std));
  }
}
