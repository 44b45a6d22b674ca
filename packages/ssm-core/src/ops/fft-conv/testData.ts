import * as tf from '@tensorflow/tfjs-core';
import { DirectDims, directConv, directConvGrads } from './direct';
import { fftConvShift } from './plan';
import { fftConvReference } from './reference';
import type { FftConvMode } from './plan';

/** One test shape: Bt, H, L, Lk, mode, whether D is passed. (Test helper, not shipped API.) */
export interface ConvCase {
  B: number;
  H: number;
  L: number;
  Lk: number;
  mode: FftConvMode;
  withD: boolean;
}

export interface CaseData {
  c: ConvCase;
  dims: DirectDims;
  u: Float32Array;
  k: Float32Array;
  D: Float32Array | null;
  /** Random cotangent for the gradients. */
  w: Float32Array;
}

/** Deterministic uniform [-1, 1) values (mulberry32), identical on every backend. */
export function seeded(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export function makeCase(c: ConvCase, seed: number): CaseData {
  const dims = { B: c.B, H: c.H, L: c.L, Lk: c.Lk, shift: fftConvShift(c.mode, c.L) };
  return {
    c,
    dims,
    u: seeded(c.B * c.H * c.L, seed),
    k: seeded(c.H * c.Lk, seed + 1),
    D: c.withD ? seeded(c.H, seed + 2) : null,
    w: seeded(c.B * c.H * c.L, seed + 3),
  };
}

export function caseName(c: ConvCase): string {
  return `Bt=${c.B} H=${c.H} L=${c.L} Lk=${c.Lk} ${c.mode}${c.withD ? ' +D' : ''}`;
}

/** Outputs as flat arrays: y, then the gradients of sum(y·w) to u, k (and D when present). */
export interface CaseResult {
  y: ArrayLike<number>;
  du: ArrayLike<number>;
  dk: ArrayLike<number>;
  dD: ArrayLike<number> | null;
}

export function directResult(d: CaseData): CaseResult {
  const g = directConvGrads(d.u, d.k, d.D, d.w, d.dims);
  return { y: directConv(d.u, d.k, d.D, d.dims), du: g.du, dk: g.dk, dD: d.D ? g.dD : null };
}

type ConvFn = (a: { u: tf.Tensor3D; k: tf.Tensor2D; D?: tf.Tensor1D; mode?: FftConvMode }) => tf.Tensor3D;

/** Runs `op` (fftConv or the reference) on the active backend: forward and tf.grads. */
export function runOp(op: ConvFn, d: CaseData): CaseResult {
  const { B, H, L, Lk, mode } = d.c;
  let result: CaseResult | undefined;
  tf.tidy(() => {
    const u = tf.tensor3d(d.u, [B, H, L]);
    const k = tf.tensor2d(d.k, [H, Lk]);
    const w = tf.tensor3d(d.w, [B, H, L]);
    const xs: tf.Tensor[] = d.D ? [u, k, tf.tensor1d(d.D)] : [u, k];
    const f = (...a: tf.Tensor[]) =>
      op({ u: a[0] as tf.Tensor3D, k: a[1] as tf.Tensor2D, D: a[2] as tf.Tensor1D | undefined, mode });
    const y = f(...xs).dataSync().slice();
    const g = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), w)))(xs).map((t) => t.dataSync().slice());
    result = { y, du: g[0], dk: g[1], dD: d.D ? g[2] : null };
  });
  return result as CaseResult;
}

/** The reference twin's result on the cpu backend (restores the active backend afterwards). */
export async function referenceOnCpu(d: CaseData): Promise<CaseResult> {
  const prev = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    return runOp(fftConvReference, d);
  } finally {
    await tf.setBackend(prev);
  }
}

/** Largest |a - b| / (atol + rtol·|b|); throws a labelled error above 1. */
export function expectArraysClose(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number, label: string): void {
  if (a.length !== b.length) throw new Error(`${label}: length ${a.length} differs from expected ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    const r = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
    if (!(r <= 1)) throw new Error(`${label}: mismatch at ${i}: actual ${a[i]}, expected ${b[i]} (atol ${atol}, rtol ${rtol})`);
  }
}

/**
 * Compares every output. y and du sum at most L (resp. Lk) products; dk and dD sum Bt·L products,
 * so their absolute tolerance grows with sqrt(Bt·L).
 */
export function expectResultClose(a: CaseResult, b: CaseResult, c: ConvCase, atol: number, rtol: number, label: string): void {
  const big = atol * Math.sqrt(c.B * c.L);
  expectArraysClose(a.y, b.y, atol, rtol, `${label} y`);
  expectArraysClose(a.du, b.du, atol, rtol, `${label} du`);
  expectArraysClose(a.dk, b.dk, big, rtol, `${label} dk`);
  if (b.dD) expectArraysClose(a.dD ?? [], b.dD, big, rtol, `${label} dD`);
  else if (a.dD) throw new Error(`${label}: unexpected dD`);
}
