import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { Rng } from '../../train/seed';
import { checkDtRange, checkPositiveInt } from '../lti/common';
import { linear } from '../../ops/linear/linear';
import { rmsNormalize } from '../norm/common';

/** Options shared by Mamba2 and Hydra, resolved to numbers. */
export interface SsdMixerDims {
  dModel: number;
  dInner: number;
  nHeads: number;
  headDim: number;
  nGroups: number;
  dState: number;
}

/** dInner = expand·dModel, nHeads = dInner / headDim; errors name the layer and the options. */
export function mixerDims(layer: string, dModel: number, expand: number, headDim: number, nGroups: number, dState: number): SsdMixerDims {
  const dInner = expand * dModel;
  if (dInner % headDim !== 0) {
    throw new Error(`${layer}: dInner = expand·dModel = ${expand}·${dModel} = ${dInner} must be divisible by option 'headDim', received headDim=${headDim}`);
  }
  const nHeads = dInner / headDim;
  if (nHeads % nGroups !== 0) {
    throw new Error(`${layer}: option 'nGroups' must divide nHeads = dInner/headDim = ${nHeads}, received nGroups=${nGroups}`);
  }
  return { dModel, dInner, nHeads, headDim, nGroups, dState };
}

/** Checks the dt / A_log init options. */
export function checkSsdInitOptions(layer: string, dtMin: number, dtMax: number, dtInitFloor: number, aLogRange: unknown): void {
  checkDtRange(layer, dtMin, dtMax);
  if (typeof dtInitFloor !== 'number' || !(dtInitFloor > 0) || !Number.isFinite(dtInitFloor)) {
    throw new Error(`${layer}: option 'dtInitFloor' must be a finite number > 0, received ${String(dtInitFloor)}`);
  }
  const r = aLogRange as number[];
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(r[0] > 0 && r[0] <= r[1])) {
    throw new Error(`${layer}: option 'ALogInitRange' must be [lo, hi] with 0 < lo <= hi, received ${JSON.stringify(aLogRange)}`);
  }
}

export function checkInts(layer: string, opts: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(opts)) checkPositiveInt(layer, k, v);
}

/** PyTorch nn.Linear / nn.Conv1d default init, U(±1/sqrt(fanIn)), from a seeded stream. */
export function torchUniform(n: number, fanIn: number, rng: Rng): Float32Array {
  const b = 1 / Math.sqrt(fanIn);
  return Float32Array.from({ length: n }, () => (2 * rng() - 1) * b);
}

/** Mamba-2: A ~ U[lo, hi] per head, stored as A_log = log A (A = −exp(A_log) in the scan). */
export function aLogInit(nHeads: number, [lo, hi]: number[], rng: Rng): Float32Array {
  return Float32Array.from({ length: nHeads }, () => Math.log(lo + (hi - lo) * rng()));
}

/** Mamba-2: dt = max(exp(U[ln dtMin, ln dtMax]), floor); dt_bias = inverse softplus(dt) = dt + log(−expm1(−dt)). */
export function dtBiasInit(nHeads: number, dtMin: number, dtMax: number, floor: number, rng: Rng): Float32Array {
  const [lo, hi] = [Math.log(dtMin), Math.log(dtMax)];
  return Float32Array.from({ length: nHeads }, () => {
    const dt = Math.max(Math.exp(lo + (hi - lo) * rng()), floor);
    return dt + Math.log(-Math.expm1(-dt));
  });
}

/** x (..., K) · W (K, M) → (..., M), through the `linear` op (plain matmuls in the wasm backward). */
export function dense(x: tf.Tensor, W: LayerVariable): tf.Tensor {
  return linear(x, W.read());
}

/**
 * RMSNormGated as in src/layers/norm (same conventions, shared rmsNormalize), normalised over groups
 * of `groupSize` channels: normBeforeGate false (Mamba-2's default) gives RMSNorm(y · silu(z)) · gamma,
 * true (Hydra's choice) RMSNorm(y) · silu(z) · gamma. Kept inline rather than a nested layer so the
 * weight lives in this layer's own weight list.
 */
export function gatedRmsNorm(y: tf.Tensor, z: tf.Tensor, gamma: LayerVariable, groupSize: number, normBeforeGate: boolean, eps = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const gate = tf.mul(z, tf.sigmoid(z));
    const n = normBeforeGate ? tf.mul(rmsNormalize(y, eps, groupSize), gate) : rmsNormalize(tf.mul(y, gate), eps, groupSize);
    return tf.mul(n, gamma.read());
  });
}

/** Splits the last axis of t into consecutive pieces of the given widths. */
export function splitLast(t: tf.Tensor, widths: number[]): tf.Tensor[] {
  return tf.split(t, widths, t.rank - 1);
}
