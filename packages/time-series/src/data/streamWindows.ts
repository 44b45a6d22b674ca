import { openCsv, type CsvReadOptions } from './csvReader';
import { detectProtocol, splitBorders, StandardScaler, type SplitBorders, type SplitProtocol } from './splits';

/**
 * Out-of-core windowing for files larger than memory: pass 1 streams the file once to count rows and fit the
 * scaler on the train rows (running sums in float64); pass 2 streams it again and yields windows of one split
 * from a ring buffer of lookback + horizon rows. Results equal the in-memory WindowSet (tested).
 */
export interface StreamPlan {
  file: string;
  columns: string[];
  rows: number;
  protocol: SplitProtocol;
  borders: SplitBorders;
  scaler: StandardScaler;
}

export async function planStreaming(file: string, lookback: number, o: CsvReadOptions & { split?: SplitProtocol } = {}): Promise<StreamPlan> {
  const protocol = o.split ?? detectProtocol(file);
  // The 70/10/20 borders depend on the row count, known only at the end: count first, then sum the train rows.
  const first = await openCsv(file, o);
  let n = 0;
  for await (const _row of first.rows) n++;
  const borders = splitBorders(protocol, n, lookback);
  const width = first.meta.columns.length;
  const sum = new Float64Array(width);
  const sq = new Float64Array(width);
  const trainEnd = borders.train[1];
  const second = await openCsv(file, o);
  let t = 0;
  for await (const r of second.rows) {
    if (t >= trainEnd) break;
    for (let j = 0; j < width; j++) sum[j] += r.values[j];
    for (let j = 0; j < width; j++) sq[j] += r.values[j] * r.values[j];
    t++;
  }
  await second.rows.return(undefined);
  const mean = sum.map((s) => s / trainEnd);
  const std = sq.map((s, j) => Math.sqrt(Math.max(0, s / trainEnd - mean[j] * mean[j])) || 1);
  return { file, columns: first.meta.columns, rows: n, protocol, borders, scaler: new StandardScaler(mean, std) };
}

export interface StreamedWindows {
  /** Index of the first window in the batch (window i starts at split row start + i). */
  first: number;
  count: number;
  x: Float32Array; // count · L · inputs
  y: Float32Array; // count · H · targets
}

/** Streams the windows of rows [start, end) in batches, scaled with `scaler`, keeping only L + H rows in memory. */
export async function* streamWindowBatches(
  file: string,
  o: CsvReadOptions & {
    lookback: number;
    horizon: number;
    range: [number, number];
    scaler: StandardScaler;
    inputCols: number[];
    targetCols: number[];
    batch: number;
  },
): AsyncGenerator<StreamedWindows> {
  const { lookback: L, horizon: H, range, scaler, inputCols: ic, targetCols: tc, batch } = o;
  const span = L + H;
  const { meta, rows } = await openCsv(file, o);
  const W = meta.columns.length;
  const ring = new Float32Array(span * W);
  let t = 0;
  let window = 0;
  let xb = new Float32Array(batch * L * ic.length);
  let yb = new Float32Array(batch * H * tc.length);
  let inBatch = 0;
  for await (const r of rows) {
    if (t >= range[1]) break;
    if (t >= range[0]) {
      const slot = (t - range[0]) % span;
      for (let j = 0; j < W; j++) ring[slot * W + j] = (Math.fround(r.values[j]) - scaler.mean[j]) / scaler.std[j]; // fround: as the in-memory Float32 series
      if (t - range[0] >= span - 1) {
        const s0 = t - range[0] - span + 1; // first row of this window, relative to the range
        for (let k = 0; k < L; k++)
          for (let j = 0; j < ic.length; j++) xb[(inBatch * L + k) * ic.length + j] = ring[((s0 + k) % span) * W + ic[j]];
        for (let k = 0; k < H; k++)
          for (let j = 0; j < tc.length; j++) yb[(inBatch * H + k) * tc.length + j] = ring[((s0 + L + k) % span) * W + tc[j]];
        inBatch++;
        window++;
        if (inBatch === batch) {
          yield { first: window - inBatch, count: inBatch, x: xb, y: yb };
          xb = new Float32Array(batch * L * ic.length);
          yb = new Float32Array(batch * H * tc.length);
          inBatch = 0;
        }
      }
    }
    t++;
  }
  await rows.return(undefined);
  if (inBatch > 0) yield { first: window - inBatch, count: inBatch, x: xb.slice(0, inBatch * L * ic.length), y: yb.slice(0, inBatch * H * tc.length) };
}
