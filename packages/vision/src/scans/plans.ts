/**
 * Scan orders of a 2-D token map (H, W), tokens numbered row-major (t = i·W + j). A plan is an
 * index table: row k lists, in scan order, the tokens that sequence k visits (ALGORITHMS §3).
 */
export interface ScanPlan {
  /** (K, Lp) token indices, row-major. */
  index: Int32Array;
  K: number;
  Lp: number;
  /** Optional (Lp) ids: the scan state resets wherever the id changes (sub-grids of the atrous scan). */
  segments?: Int32Array;
}

/** The four VMamba directions: 0 row-major, 1 column-major, 2 row-major reversed, 3 column-major reversed. */
export const DIRECTIONS = [0, 1, 2, 3] as const;
export type Direction = (typeof DIRECTIONS)[number];

function checkDims(op: string, H: number, W: number): void {
  if (!Number.isInteger(H) || !Number.isInteger(W) || H < 1 || W < 1) {
    throw new Error(`${op}: map size H, W must be integers >= 1, received ${H}, ${W}`);
  }
}

/** Tokens of the sub-grid rows i0, i0+p, …, cols j0, j0+p, … of an (H, W) map, in direction d. */
function subgridOrder(H: number, W: number, i0: number, j0: number, p: number, d: Direction): number[] {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = i0; i < H; i += p) rows.push(i);
  for (let j = j0; j < W; j += p) cols.push(j);
  const out: number[] = [];
  if (d === 0 || d === 2) for (const i of rows) for (const j of cols) out.push(i * W + j);
  else for (const j of cols) for (const i of rows) out.push(i * W + j);
  return d >= 2 ? out.reverse() : out;
}

/** VMamba cross-scan: each listed direction visits all H·W tokens once. */
export function crossScanPlan(H: number, W: number, directions: readonly Direction[] = DIRECTIONS): ScanPlan {
  checkDims('crossScanPlan', H, W);
  const Lp = H * W;
  const index = new Int32Array(directions.length * Lp);
  directions.forEach((d, k) => index.set(subgridOrder(H, W, 0, 0, 1, d), k * Lp));
  return { index, K: directions.length, Lp };
}

/**
 * EfficientVMamba's atrous (skip-sampled) scan with stride p; H and W must be multiples of p.
 * - 'one' (the paper's ES2D, p even): the p² sub-grids are dealt to the 4 directions (sub-grid s
 *   goes to direction s mod 4), so each token is scanned once in total and each sequence is
 *   H·W/4 long: a quarter of the cross-scan's work.
 * - 'all': every direction scans every sub-grid (sequences of length H·W, state reset between
 *   sub-grids), so every token is visited once per direction.
 */
export function atrousScanPlan(H: number, W: number, p: number, mode: 'one' | 'all' = 'one'): ScanPlan {
  checkDims('atrousScanPlan', H, W);
  if (!Number.isInteger(p) || p < 1 || H % p !== 0 || W % p !== 0) {
    throw new Error(`atrousScanPlan: stride p must be an integer >= 1 dividing H=${H} and W=${W}, received ${p}`);
  }
  if (mode === 'one' && (p * p) % 4 !== 0) throw new Error(`atrousScanPlan: mode 'one' needs an even stride p (p² sub-grids dealt to 4 directions), received ${p}`);
  const grids: [number, number][] = [];
  for (let i0 = 0; i0 < p; i0++) for (let j0 = 0; j0 < p; j0++) grids.push([i0, j0]);
  const size = (H / p) * (W / p);
  const perDir = mode === 'one' ? grids.length / 4 : grids.length;
  const Lp = perDir * size;
  const index = new Int32Array(4 * Lp);
  for (const d of DIRECTIONS) {
    const mine = mode === 'one' ? grids.filter((_, s) => s % 4 === d) : grids;
    // reversed directions also reverse the order of the sub-grids, so a reversed sequence is the
    // exact reverse of its forward twin (as in the cross-scan)
    const seq = mine.flatMap(([i0, j0]) => subgridOrder(H, W, i0, j0, p, (d % 2) as Direction));
    index.set(d >= 2 ? seq.reverse() : seq, d * Lp);
  }
  const segments = perDir > 1 ? Int32Array.from({ length: Lp }, (_, t) => Math.floor(t / size)) : undefined;
  return { index, K: 4, Lp, segments };
}

/** GroupMamba: channel group k (of 4) is scanned in direction k only; the plan equals the cross-scan's. */
export function groupedScanPlan(H: number, W: number): ScanPlan {
  return crossScanPlan(H, W, DIRECTIONS);
}

/**
 * MSVMamba's multi-scale scan: direction 0 on the full (H, W) map and directions 1–3 on the
 * map downsampled by 2 (ceil(H/2), ceil(W/2)).
 */
export function multiScalePlans(H: number, W: number): { full: ScanPlan; down: ScanPlan; downH: number; downW: number } {
  checkDims('multiScalePlans', H, W);
  const downH = Math.ceil(H / 2);
  const downW = Math.ceil(W / 2);
  return { full: crossScanPlan(H, W, [0]), down: crossScanPlan(downH, downW, [1, 2, 3]), downH, downW };
}

/** How often each token 0..numTokens−1 appears in each sequence of the plan (tests: exactly once). */
export function visitCounts(plan: ScanPlan, numTokens: number): number[][] {
  const counts: number[][] = [];
  for (let k = 0; k < plan.K; k++) {
    const c = new Array<number>(numTokens).fill(0);
    for (let t = 0; t < plan.Lp; t++) c[plan.index[k * plan.Lp + t]]++;
    counts.push(c);
  }
  return counts;
}
