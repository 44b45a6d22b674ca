import * as tf from '@tensorflow/tfjs-core';
import type { Direction } from './plans';
import { upsample2x } from './scans2d';

/**
 * Reference twins of the 2-D scans, written from reshape / transpose / reverse / strided slices
 * (never from the index tables the fused scans use), so the tests compare two independent
 * constructions. Layouts as in scans2d.ts.
 */

/** (B, C, h, w) → (B, C, h·w) in direction d. */
function order(xt: tf.Tensor, d: Direction): tf.Tensor {
  const [B, C, h, w] = xt.shape;
  const s = d % 2 === 0 ? tf.reshape(xt, [B, C, h * w]) : tf.reshape(tf.transpose(xt, [0, 1, 3, 2]), [B, C, h * w]);
  return d >= 2 ? tf.reverse(s, 2) : s;
}

/** Inverse of order: (B, C, h·w) → (B, C, h, w). */
function unorder(s: tf.Tensor, d: Direction, h: number, w: number): tf.Tensor {
  const [B, C] = s.shape;
  const f = d >= 2 ? tf.reverse(s, 2) : s;
  return d % 2 === 0 ? tf.reshape(f, [B, C, h, w]) : tf.transpose(tf.reshape(f, [B, C, w, h]), [0, 1, 3, 2]);
}

const toCF = (x: tf.Tensor) => tf.transpose(x, [0, 3, 1, 2]); // (B, H, W, C) → (B, C, H, W)
const toCL = (x: tf.Tensor) => tf.transpose(x, [0, 2, 3, 1]);
const seqOf = (x: tf.Tensor, d: number) => tf.squeeze(tf.slice(x, [0, d, 0, 0], [-1, 1, -1, -1]), [1]);

export function crossScan2dReference(x: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const xt = toCF(x);
    return tf.stack(([0, 1, 2, 3] as Direction[]).map((d) => order(xt, d)), 1) as tf.Tensor4D;
  });
}

export function crossMerge2dReference(y: tf.Tensor, H: number, W: number): tf.Tensor4D {
  return tf.tidy(() => toCL(tf.addN(([0, 1, 2, 3] as Direction[]).map((d) => unorder(seqOf(y, d), d, H, W)))) as tf.Tensor4D);
}

/** x[:, i0::p, j0::p, :] by reshape + slice (tfjs's stridedSlice has no gradient). */
function subgrid(x: tf.Tensor, i0: number, j0: number, p: number): tf.Tensor {
  const [B, H, W, C] = x.shape;
  const six = tf.reshape(x, [B, H / p, p, W / p, p, C]);
  return tf.reshape(tf.slice(six, [0, 0, i0, 0, j0, 0], [B, H / p, 1, W / p, 1, C]), [B, H / p, W / p, C]);
}

/** Sub-grids (i0, j0) in row-major order of (i0, j0), with the directions that scan each. */
function atrousLayout(p: number, mode: 'one' | 'all'): { grids: [number, number][]; perDir: (d: number) => number[] } {
  const grids: [number, number][] = [];
  for (let i0 = 0; i0 < p; i0++) for (let j0 = 0; j0 < p; j0++) grids.push([i0, j0]);
  const perDir = (d: number) => grids.map((_, s) => s).filter((s) => mode === 'all' || s % 4 === d);
  return { grids, perDir };
}

export function atrousScan2dReference(x: tf.Tensor, p: number, mode: 'one' | 'all' = 'one'): tf.Tensor4D {
  return tf.tidy(() => {
    const { grids, perDir } = atrousLayout(p, mode);
    const dirs = ([0, 1, 2, 3] as Direction[]).map((d) => {
      const parts = perDir(d).map((s) => order(toCF(subgrid(x, grids[s][0], grids[s][1], p)), (d % 2) as Direction));
      const seq = tf.concat(parts, 2);
      return d >= 2 ? tf.reverse(seq, 2) : seq;
    });
    return tf.stack(dirs, 1) as tf.Tensor4D;
  });
}

export function atrousMerge2dReference(y: tf.Tensor, H: number, W: number, p: number, mode: 'one' | 'all' = 'one'): tf.Tensor4D {
  return tf.tidy(() => {
    const { grids, perDir } = atrousLayout(p, mode);
    const [h, w] = [H / p, W / p];
    const sums: tf.Tensor[][] = grids.map(() => []);
    for (const d of [0, 1, 2, 3] as Direction[]) {
      const own = perDir(d);
      const seq = d >= 2 ? tf.reverse(seqOf(y, d), 2) : seqOf(y, d);
      own.forEach((s, n) => sums[s].push(unorder(tf.slice(seq, [0, 0, n * h * w], [-1, -1, h * w]), (d % 2) as Direction, h, w)));
    }
    const subs = sums.map((list) => toCL(tf.addN(list))); // (B, h, w, C) per sub-grid
    const [B, , , C] = subs[0].shape;
    // full[i0 + p·a, j0 + p·b] = sub(i0, j0)[a, b]: stack to (B, h, p, w, p, C) and reshape
    const rows = Array.from({ length: p }, (_, i0) => tf.stack(Array.from({ length: p }, (_, j0) => subs[i0 * p + j0]), 3));
    return tf.reshape(tf.stack(rows, 2), [B, H, W, C]) as tf.Tensor4D;
  });
}

export function groupedScan2dReference(x: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const groups = tf.split(toCF(x), 4, 1);
    return tf.stack(groups.map((g, k) => order(g, k as Direction)), 1) as tf.Tensor4D;
  });
}

export function groupedMerge2dReference(y: tf.Tensor, H: number, W: number): tf.Tensor4D {
  return tf.tidy(() => toCL(tf.concat(([0, 1, 2, 3] as Direction[]).map((d) => unorder(seqOf(y, d), d, H, W)), 1)) as tf.Tensor4D);
}

export function multiScaleScan2dReference(x: tf.Tensor, xDown: tf.Tensor): { full: tf.Tensor4D; down: tf.Tensor4D } {
  return tf.tidy(() => {
    const full = tf.expandDims(order(toCF(x), 0), 1) as tf.Tensor4D;
    const xd = toCF(xDown);
    const down = tf.stack(([1, 2, 3] as Direction[]).map((d) => order(xd, d)), 1) as tf.Tensor4D;
    return { full, down };
  });
}

export function multiScaleMerge2dReference(yFull: tf.Tensor, yDown: tf.Tensor, H: number, W: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [h, w] = [Math.ceil(H / 2), Math.ceil(W / 2)];
    const full = toCL(unorder(seqOf(yFull, 0), 0, H, W));
    const down = toCL(tf.addN(([1, 2, 3] as Direction[]).map((d, k) => unorder(seqOf(yDown, k), d, h, w))));
    return tf.add(full, upsample2x(down, H, W)) as tf.Tensor4D;
  });
}
