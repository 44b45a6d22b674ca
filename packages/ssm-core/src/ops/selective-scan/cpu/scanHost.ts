import { Arena } from '../../../runtime/arena';
import { runUnits } from './units';
import { MODULE } from './moduleName';
import type { ScanDims } from '../scanDims';

/**
 * Host side of the fused selective scan: copies typed arrays into the SIMD module's arena, builds
 * the parameter block and the segment-reset mask, runs the work units, and hands arena views of
 * the results to `take` (called inside the arena's lifetime; copy out of the views there).
 * Plain typed arrays in and out, so the cpu and wasm backends share it.
 */

export type { ScanDims };

export interface ScanInputs {
  u: Float32Array; // (Bt, D, L)
  delta: Float32Array; // (Bt, D, L)
  A: Float32Array; // (D, N)
  B: Float32Array; // (Bt, G, N, L)
  C: Float32Array; // (Bt, G, N, L)
  Dv?: Float32Array; // (D)
  z?: Float32Array; // (Bt, D, L)
  bias?: Float32Array; // (D)
  init?: Float32Array; // (Bt, D, N)
  seg?: Int32Array; // (Bt, L)
  softplus: boolean;
  reverse: boolean;
}

// Parameter block slots: keep in sync with simd/_ss_common.ts.
const P = {
  Bt: 0, D: 1, L: 2, N: 3, G: 4, flags: 5, u: 6, delta: 7, A: 8, B: 9, C: 10, Dv: 11, z: 12, bias: 13,
  init: 14, mask: 15, y: 16, last: 17, dy: 18, dlast: 19, du: 20, ddelta: 21, dA: 22, dB: 23, dC: 24,
  dD: 25, dz: 26, dbias: 27, dinit: 28,
} as const;
const P_SLOTS = 32;

/** 1 where the state carries over, 0 where it resets (segment id changes), in scan order. */
function resetMask(d: ScanDims, seg: Int32Array | undefined, reverse: boolean): Float32Array {
  const mask = new Float32Array(d.Bt * d.L).fill(1);
  if (!seg) return mask;
  for (let b = 0; b < d.Bt; b++) {
    for (let s = 1; s < d.L; s++) {
      const t = reverse ? d.L - 1 - s : s;
      const prev = reverse ? t + 1 : t - 1;
      if (seg[b * d.L + t] !== seg[b * d.L + prev]) mask[b * d.L + s] = 0;
    }
  }
  return mask;
}

/** Copies the inputs into the arena and fills the shared parameter slots; returns the block. */
function setup(arena: Arena, d: ScanDims, inp: ScanInputs, alwaysMask: boolean): { params: number; slots: Map<number, number> } {
  const slots = new Map<number, number>();
  slots.set(P.u, arena.put(inp.u));
  slots.set(P.delta, arena.put(inp.delta));
  slots.set(P.A, arena.put(inp.A));
  const B = arena.put(inp.B);
  const C = arena.put(inp.C);
  slots.set(P.B, B);
  slots.set(P.C, C);
  if (inp.reverse) {
    arena.exports.reverseRows(B, d.Bt * d.G * d.N, d.L);
    arena.exports.reverseRows(C, d.Bt * d.G * d.N, d.L);
  }
  if (inp.Dv) slots.set(P.Dv, arena.put(inp.Dv));
  if (inp.z) slots.set(P.z, arena.put(inp.z));
  if (inp.bias) slots.set(P.bias, arena.put(inp.bias));
  if (inp.init) slots.set(P.init, arena.put(inp.init));
  // The forward kernel skips the reset multiply when there is no mask; the backward always reads one.
  if (inp.seg || alwaysMask) slots.set(P.mask, arena.put(resetMask(d, inp.seg, inp.reverse)));
  const params = arena.alloc(P_SLOTS);
  return { params, slots };
}

function writeParams(arena: Arena, params: number, d: ScanDims, inp: ScanInputs, slots: Map<number, number>): void {
  const v = arena.i32(params, P_SLOTS);
  v.fill(0);
  v[P.Bt] = d.Bt;
  v[P.D] = d.D;
  v[P.L] = d.L;
  v[P.N] = d.N;
  v[P.G] = d.G;
  v[P.flags] = (inp.softplus ? 1 : 0) | (inp.reverse ? 2 : 0);
  for (const [slot, ptr] of slots) v[slot] = ptr;
}

export function scanForward(
  d: ScanDims,
  inp: ScanInputs,
  wantLast: boolean,
  take: (y: Float32Array, last: Float32Array | null) => void,
): void {
  Arena.with(MODULE, (arena) => {
    const { params, slots } = setup(arena, d, inp, false);
    const y = arena.alloc(d.Bt * d.D * d.L);
    slots.set(P.y, y);
    const last = wantLast ? arena.alloc(d.Bt * d.D * d.N) : 0;
    if (wantLast) slots.set(P.last, last);
    writeParams(arena, params, d, inp, slots);
    const units = arena.exports.unitsPerBatch(d.D, d.G);
    const tasks: number[][] = [];
    for (let b = 0; b < d.Bt; b++) tasks.push([b, 0, units]);
    runUnits(arena, 'forwardUnits', params, tasks, splitTasks(d.Bt, units), d.L, d.Bt * d.D * d.L * d.N);
    take(arena.f32(y, d.Bt * d.D * d.L), wantLast ? arena.f32(last, d.Bt * d.D * d.N) : null);
  });
}

/** Forward units are independent: split each batch row into chunks of ~4 units for the pool. */
function splitTasks(Bt: number, units: number): number[][] {
  const out: number[][] = [];
  const chunk = Math.max(1, Math.min(4, Math.ceil(units / 2)));
  for (let b = 0; b < Bt; b++) for (let j = 0; j < units; j += chunk) out.push([b, j, Math.min(units, j + chunk)]);
  return out;
}

export interface ScanGrads {
  du: Float32Array;
  ddelta: Float32Array;
  dA: Float32Array; // (D, N), summed over the batch
  dB: Float32Array;
  dC: Float32Array;
  dD: Float32Array; // (D)
  dz: Float32Array | null;
  dbias: Float32Array; // (D)
  dinit: Float32Array | null;
}

export function scanBackward(
  d: ScanDims,
  inp: ScanInputs,
  dy: Float32Array | null,
  dlast: Float32Array | null,
  take: (g: ScanGrads) => void,
): void {
  Arena.with(MODULE, (arena) => {
    const { params, slots } = setup(arena, d, inp, true);
    const nx = d.Bt * d.D * d.L;
    const ns = d.Bt * d.D * d.N;
    const nbc = d.Bt * d.G * d.N * d.L;
    slots.set(P.dy, dy ? arena.put(dy) : arena.zeros(nx));
    if (dlast) slots.set(P.dlast, arena.put(dlast));
    const out = {
      du: arena.alloc(nx), ddelta: arena.alloc(nx), dA: arena.alloc(ns), dB: arena.zeros(nbc), dC: arena.zeros(nbc),
      dD: arena.alloc(d.Bt * d.D), dbias: arena.alloc(d.Bt * d.D),
      dz: inp.z ? arena.alloc(nx) : 0, dinit: inp.init ? arena.alloc(ns) : 0,
    };
    for (const [k, ptr] of Object.entries(out)) if (ptr !== 0) slots.set(P[k as keyof typeof P], ptr);
    writeParams(arena, params, d, inp, slots);
    const units = arena.exports.unitsPerBatch(d.D, d.G);
    const perGroup = units / d.G;
    // dB/dC rows are shared by the units of one (b, g): one task per (b, g).
    const tasks: number[][] = [];
    for (let b = 0; b < d.Bt; b++) for (let g = 0; g < d.G; g++) tasks.push([b, g * perGroup, (g + 1) * perGroup]);
    runUnits(arena, 'backwardUnits', params, tasks, tasks, d.L, d.Bt * d.D * d.L * d.N);
    if (inp.reverse) {
      arena.exports.reverseRows(out.dB, d.Bt * d.G * d.N, d.L);
      arena.exports.reverseRows(out.dC, d.Bt * d.G * d.N, d.L);
    }
    take({
      du: arena.f32(out.du, nx),
      ddelta: arena.f32(out.ddelta, nx),
      dA: sumBatch(arena.f32(out.dA, ns), d.Bt),
      dB: arena.f32(out.dB, nbc),
      dC: arena.f32(out.dC, nbc),
      dD: sumBatch(arena.f32(out.dD, d.Bt * d.D), d.Bt),
      dz: inp.z ? arena.f32(out.dz, nx) : null,
      dbias: sumBatch(arena.f32(out.dbias, d.Bt * d.D), d.Bt),
      dinit: inp.init ? arena.f32(out.dinit, ns) : null,
    });
  });
}

/** (Bt, K) per-batch partials -> (K). */
function sumBatch(p: Float32Array, Bt: number): Float32Array {
  const K = p.length / Bt;
  const out = new Float32Array(K);
  for (let b = 0; b < Bt; b++) for (let k = 0; k < K; k++) out[k] += p[b * K + k];
  return out;
}
