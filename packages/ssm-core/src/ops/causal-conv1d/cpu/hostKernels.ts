import { Arena } from '../../../runtime/arena';
import { segmentFixes } from './segments';

/**
 * Host side of the fused causal conv1d: copies rows of x (and dy) in chunks into the SIMD
 * module's arena, runs the AssemblyScript kernels (simd/causal_conv1d.ts) and copies results
 * out. Chunks of ~CHUNK_FLOATS keep the working set in cache; weights, bias, state and the
 * segment fix lists are copied once per call.
 */
const MODULE = 'causal_conv1d';
const CHUNK_FLOATS = 1 << 16;

export interface ConvProblem {
  batch: number;
  dim: number;
  len: number;
  width: number;
  silu: boolean;
  x: Float32Array;
  weight: Float32Array;
  bias?: Float32Array;
  segmentIds?: Int32Array;
  state?: Float32Array;
}

interface Common {
  arena: Arena;
  wP: number;
  bP: number;
  stP: number;
  offP: number;
  posP: number;
  startP: number;
  rowsPer: number;
  rows: number;
}

/** Copies the per-call inputs; allocation only (views come after every alloc). */
function putCommon(arena: Arena, p: ConvProblem): Common {
  const wP = arena.put(p.weight);
  const bP = p.bias ? arena.put(p.bias) : 0;
  const stP = p.state && p.width > 1 ? arena.put(p.state) : 0;
  let offP = 0;
  let posP = 0;
  let startP = 0;
  if (p.segmentIds && p.width > 1) {
    const fixes = segmentFixes(p.segmentIds, p.batch, p.len, p.width);
    if (fixes.positions.length > 0) {
      offP = arena.put(fixes.offsets);
      posP = arena.put(fixes.positions);
      startP = arena.put(fixes.starts);
    }
  }
  const rowsPer = Math.max(1, Math.floor(CHUNK_FLOATS / p.len));
  return { arena, wP, bP, stP, offP, posP, startP, rowsPer, rows: p.batch * p.dim };
}

/** Writes y (Bt·D·L) for problem p. */
export function convForward(p: ConvProblem, y: Float32Array): void {
  if (y.length === 0) return;
  Arena.with(MODULE, (arena) => {
    const c = putCommon(arena, p);
    const n = c.rowsPer * p.len;
    const xP = arena.alloc(n);
    const yP = arena.alloc(n);
    const xa = arena.f32(xP, n);
    const ya = arena.f32(yP, n);
    const run = arena.exports.forward;
    for (let r0 = 0; r0 < c.rows; r0 += c.rowsPer) {
      const rows = Math.min(c.rowsPer, c.rows - r0);
      const m = rows * p.len;
      xa.set(p.x.subarray(r0 * p.len, r0 * p.len + m));
      run(xP, c.stP, c.wP, c.bP, yP, rows, r0, p.dim, p.len, p.width, p.silu ? 1 : 0, c.offP, c.posP, c.startP);
      y.set(m === n ? ya : ya.subarray(0, m), r0 * p.len);
    }
  });
}

export interface ConvGrads {
  weight: Float32Array;
  bias: Float32Array;
  /** Zeros when p.state is absent. */
  state: Float32Array;
}

/** Writes dx (Bt·D·L) for cotangent dy and returns the small gradients. */
export function convBackward(p: ConvProblem, dy: Float32Array, dx: Float32Array): ConvGrads {
  const { batch, dim, len, width } = p;
  const grads: ConvGrads = {
    weight: new Float32Array(dim * width),
    bias: new Float32Array(dim),
    state: new Float32Array(batch * dim * (width - 1)),
  };
  if (dx.length === 0) return grads;
  Arena.with(MODULE, (arena) => {
    const c = putCommon(arena, p);
    const n = c.rowsPer * len;
    const xP = arena.alloc(n);
    const dyP = arena.alloc(n);
    const dxP = arena.alloc(n);
    const dzP = arena.alloc(len);
    const dWP = arena.zeros(dim * width);
    const dBP = arena.zeros(dim);
    const dstN = c.stP ? batch * dim * (width - 1) : 0;
    const dstP = dstN > 0 ? arena.alloc(dstN) : 0;
    const xa = arena.f32(xP, n);
    const dya = arena.f32(dyP, n);
    const dxa = arena.f32(dxP, n);
    const run = arena.exports.backward;
    for (let r0 = 0; r0 < c.rows; r0 += c.rowsPer) {
      const rows = Math.min(c.rowsPer, c.rows - r0);
      const m = rows * len;
      xa.set(p.x.subarray(r0 * len, r0 * len + m));
      dya.set(dy.subarray(r0 * len, r0 * len + m));
      run(xP, c.stP, c.wP, c.bP, dyP, dzP, dxP, dstP, dWP, dBP, rows, r0, dim, len, width, p.silu ? 1 : 0, c.offP, c.posP, c.startP);
      dx.set(m === n ? dxa : dxa.subarray(0, m), r0 * len);
    }
    grads.weight.set(arena.f32(dWP, dim * width));
    grads.bias.set(arena.f32(dBP, dim));
    if (dstP) grads.state.set(arena.f32(dstP, dstN));
  });
  return grads;
}
