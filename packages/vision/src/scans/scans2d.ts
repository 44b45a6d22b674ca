import * as tf from '@tensorflow/tfjs-core';
import { atrousScanPlan, crossScanPlan, multiScalePlans, type ScanPlan } from './plans';
import { gatherTokens, scatterTokens } from './tokenGather';

/**
 * The 2-D scans of ALGORITHMS §3 on channels-last maps (B, H, W, C), each one fused
 * gather/transpose (gatherTokens) whose gradient is the fused scatter, and each merge the adjoint
 * of its scan. Sequences come out channels-first, (B, K, C, Lp), as VMamba's CrossScan returns them.
 * Reference twins of plain reshape/transpose/reverse/strided-slice ops: scans2dReference.ts.
 */

function check4d(op: string, x: tf.Tensor): [number, number, number, number] {
  if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.dtype !== 'float32') {
    const got = x instanceof tf.Tensor ? `shape [${x.shape.join(', ')}] dtype ${x.dtype}` : String(x);
    throw new Error(`${op}: argument 'x' must be a float32 map (B, H, W, C), received ${got}`);
  }
  return x.shape as [number, number, number, number];
}

function checkSeq(op: string, y: tf.Tensor, K: number, Lp: number): [number, number] {
  if (!(y instanceof tf.Tensor) || y.rank !== 4 || y.shape[1] !== K || y.shape[3] !== Lp) {
    const got = y instanceof tf.Tensor ? `shape [${y.shape.join(', ')}]` : String(y);
    throw new Error(`${op}: argument 'y' must have shape (B, K=${K}, C, Lp=${Lp}), received ${got}`);
  }
  return [y.shape[0], y.shape[2] as number];
}

/** Applies a plan to x (B, H, W, C): (B, K, C, Lp). */
export function scanWithPlan(x: tf.Tensor, plan: ScanPlan): tf.Tensor4D {
  const [B, H, W, C] = check4d('scanWithPlan', x);
  return tf.tidy(() => {
    const idx = tf.tensor2d(plan.index, [plan.K, plan.Lp], 'int32');
    const seq = gatherTokens(tf.reshape(x, [B, H * W, C]), idx, { channels: C, channelStride: 0 });
    return tf.reshape(seq, [B, plan.K, C, plan.Lp]) as tf.Tensor4D;
  });
}

/** Sums the K sequences y (B, K, C, Lp) back onto their tokens: (B, H, W, C). */
export function mergeWithPlan(y: tf.Tensor, plan: ScanPlan, H: number, W: number): tf.Tensor4D {
  const [B, C] = checkSeq('mergeWithPlan', y, plan.K, plan.Lp);
  return tf.tidy(() => {
    const idx = tf.tensor2d(plan.index, [plan.K, plan.Lp], 'int32');
    const out = scatterTokens(tf.reshape(y, [B, plan.K * C, plan.Lp]), idx, H * W, C, { channels: C, channelStride: 0 });
    return tf.reshape(out, [B, H, W, C]) as tf.Tensor4D;
  });
}

/** VMamba cross-scan: (B, H, W, C) → (B, 4, C, H·W): row-major, column-major, and both reversed. */
export function crossScan2d(x: tf.Tensor): tf.Tensor4D {
  const [, H, W] = check4d('crossScan2d', x);
  return scanWithPlan(x, crossScanPlan(H, W));
}

/** VMamba cross-merge: undoes the four orders and sums, (B, 4, C, H·W) → (B, H, W, C). */
export function crossMerge2d(y: tf.Tensor, H: number, W: number): tf.Tensor4D {
  return mergeWithPlan(y, crossScanPlan(H, W), H, W);
}

/** EfficientVMamba atrous scan with stride p (see atrousScanPlan for the two modes). */
export function atrousScan2d(x: tf.Tensor, p: number, mode: 'one' | 'all' = 'one'): tf.Tensor4D {
  const [, H, W] = check4d('atrousScan2d', x);
  return scanWithPlan(x, atrousScanPlan(H, W, p, mode));
}

export function atrousMerge2d(y: tf.Tensor, H: number, W: number, p: number, mode: 'one' | 'all' = 'one'): tf.Tensor4D {
  return mergeWithPlan(y, atrousScanPlan(H, W, p, mode), H, W);
}

function checkGroups(op: string, C: number): number {
  if (C % 4 !== 0) throw new Error(`${op}: channels C must be a multiple of 4 (one group per direction), received C=${C}`);
  return C / 4;
}

/** GroupMamba: channel group k of 4 is scanned in direction k only: (B, H, W, C) → (B, 4, C/4, H·W). */
export function groupedScan2d(x: tf.Tensor): tf.Tensor4D {
  const [B, H, W, C] = check4d('groupedScan2d', x);
  const g = checkGroups('groupedScan2d', C);
  return tf.tidy(() => {
    const plan = crossScanPlan(H, W);
    const idx = tf.tensor2d(plan.index, [4, plan.Lp], 'int32');
    const seq = gatherTokens(tf.reshape(x, [B, H * W, C]), idx, { channels: g, channelStride: g });
    return tf.reshape(seq, [B, 4, g, plan.Lp]) as tf.Tensor4D;
  });
}

/** Inverse of groupedScan2d: (B, 4, C/4, H·W) → (B, H, W, C) (a permutation, nothing is summed). */
export function groupedMerge2d(y: tf.Tensor, H: number, W: number): tf.Tensor4D {
  const plan = crossScanPlan(H, W);
  const [B, g] = checkSeq('groupedMerge2d', y, 4, plan.Lp);
  return tf.tidy(() => {
    const idx = tf.tensor2d(plan.index, [4, plan.Lp], 'int32');
    const out = scatterTokens(tf.reshape(y, [B, 4 * g, plan.Lp]), idx, H * W, 4 * g, { channels: g, channelStride: g });
    return tf.reshape(out, [B, H, W, 4 * g]) as tf.Tensor4D;
  });
}

/**
 * MSVMamba multi-scale scan: direction 0 over the full map x (B, H, W, C) and directions 1–3 over
 * its downsampled copy xDown (B, ceil(H/2), ceil(W/2), C) (the caller downsamples, e.g. with a
 * stride-2 depthwise conv). Returns full (B, 1, C, H·W) and down (B, 3, C, h·w).
 */
export function multiScaleScan2d(x: tf.Tensor, xDown: tf.Tensor): { full: tf.Tensor4D; down: tf.Tensor4D } {
  const [B, H, W, C] = check4d('multiScaleScan2d', x);
  const p = multiScalePlans(H, W);
  const [Bd, h, w, Cd] = check4d('multiScaleScan2d', xDown);
  if (Bd !== B || h !== p.downH || w !== p.downW || Cd !== C) {
    throw new Error(`multiScaleScan2d: argument 'xDown' must have shape (${B}, ${p.downH}, ${p.downW}, ${C}), received [${xDown.shape.join(', ')}]`);
  }
  return { full: scanWithPlan(x, p.full), down: scanWithPlan(xDown, p.down) };
}

/** Nearest-neighbour ×2 upsampling of (B, h, w, C), cropped to (H, W); rank ≤ 4 tiles (tfjs has no rank-6 tile gradient). */
export function upsample2x(x: tf.Tensor, H: number, W: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [B, h, w, C] = x.shape;
    const cols = tf.reshape(tf.tile(tf.reshape(x, [B * h * w, 1, C]), [1, 2, 1]), [B * h, 1, 2 * w * C]);
    const up = tf.reshape(tf.tile(cols, [1, 2, 1]), [B, 2 * h, 2 * w, C]);
    return (2 * h === H && 2 * w === W ? up : tf.slice(up, [0, 0, 0, 0], [B, H, W, C])) as tf.Tensor4D;
  });
}

/** Merge of the multi-scale scan: merge(full) + upsample2x(merge(down)), (B, H, W, C). */
export function multiScaleMerge2d(yFull: tf.Tensor, yDown: tf.Tensor, H: number, W: number): tf.Tensor4D {
  const p = multiScalePlans(H, W);
  return tf.tidy(() => tf.add(mergeWithPlan(yFull, p.full, H, W), upsample2x(mergeWithPlan(yDown, p.down, p.downH, p.downW), H, W)) as tf.Tensor4D);
}
