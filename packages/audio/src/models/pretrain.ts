import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '@statespace/ssm-core';
import { gridShape, patchify, type PatchGrid } from './patchEmbed';

/**
 * SSAST-style clustered patch masking: repeatedly pick a random patch and mask the c×c block of
 * patches around it (c ~ U{clusterMin..clusterMax}, clipped at the grid edges) until `count`
 * patches are masked (the last cluster is cut to fit). Returns sorted masked patch indices.
 */
export function clusteredMask(nt: number, nf: number, count: number, rng: Rng, clusterMin = 3, clusterMax = 5): number[] {
  const P = nt * nf;
  if (!Number.isInteger(count) || count < 1 || count > P) throw new Error(`clusteredMask: count must be an integer in [1, ${P}], received ${String(count)}`);
  const masked = new Set<number>();
  while (masked.size < count) {
    const c = clusterMin + Math.floor(rng() * (clusterMax - clusterMin + 1));
    const t0 = Math.floor(rng() * nt);
    const f0 = Math.floor(rng() * nf);
    const lo = Math.floor((c - 1) / 2);
    for (let dt = -lo; dt < c - lo && masked.size < count; dt++) {
      for (let df = -lo; df < c - lo && masked.size < count; df++) {
        const t = t0 + dt;
        const f = f0 + df;
        if (t >= 0 && t < nt && f >= 0 && f < nf) masked.add(t * nf + f);
      }
    }
  }
  return [...masked].sort((a, b) => a - b);
}

/** One pretraining batch: the spectrograms, the 0/1 mask (B, P) and per-example masked indices (B, count). */
export interface MaskedBatch {
  spec: tf.Tensor3D;
  mask: tf.Tensor2D;
  indices: number[][];
}

export function makeMaskedBatch(spec: tf.Tensor3D, g: PatchGrid, maskCount: number, rng: Rng): MaskedBatch {
  const { nt, nf, count: P } = gridShape(g);
  const B = spec.shape[0];
  const indices = Array.from({ length: B }, () => clusteredMask(nt, nf, maskCount, rng));
  const m = new Float32Array(B * P);
  indices.forEach((idx, b) => idx.forEach((i) => (m[b * P + i] = 1)));
  return { spec, mask: tf.tensor2d(m, [B, P]), indices };
}

/** (B, M, P+1) one-hot rows selecting the masked tokens (offset 1 for the cls token): a matmul gathers them with gradients. */
function selector(indices: number[][], P: number, offset: number): tf.Tensor3D {
  const B = indices.length;
  const M = indices[0].length;
  const s = new Float32Array(B * M * (P + offset));
  indices.forEach((idx, b) => idx.forEach((i, k) => (s[(b * M + k) * (P + offset) + i + offset] = 1)));
  return tf.tensor3d(s, [B, M, P + offset]);
}

export interface PretrainLosses {
  total: tf.Scalar;
  nce: tf.Scalar;
  mse: tf.Scalar;
  accuracy: tf.Scalar; // discriminative accuracy (right patch picked among the masked ones)
}

/**
 * SSAST/SSAMBA joint objective on the masked patches: discriminative InfoNCE — each masked
 * token's prediction must pick its own patch among the example's masked patches (logits =
 * pred · targetᵀ, cross-entropy on the diagonal) — plus `genWeight` × MSE of the generative head's
 * reconstruction (SSAST uses weight 10). Targets are the normalized input patches.
 */
export function pretrainLosses(model: tfl.LayersModel, batch: MaskedBatch, g: PatchGrid, training: boolean, genWeight = 10): PretrainLosses {
  return tf.tidy(() => {
    const P = gridShape(g).count;
    const [disc, gen] = model.apply([batch.spec, batch.mask], { training }) as tf.Tensor3D[];
    const sel = selector(batch.indices, P, 1);
    const target = tf.matMul(selector(batch.indices, P, 0), patchify(batch.spec, g)); // (B, M, p²)
    const predD = tf.matMul(sel, disc);
    const predG = tf.matMul(sel, gen);
    const logits = tf.matMul(predD, target, false, true); // (B, M, M)
    const M = batch.indices[0].length;
    const B = batch.indices.length;
    const eye = tf.tile(tf.reshape(tf.eye(M), [1, M, M]), [B, 1, 1]);
    const logp = tf.logSoftmax(logits, -1);
    const nce = tf.neg(tf.mean(tf.sum(tf.mul(logp, eye), -1))) as tf.Scalar;
    const mse = tf.mean(tf.square(tf.sub(predG, target))) as tf.Scalar;
    const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, -1), tf.reshape(tf.range(0, M, 1, 'int32'), [1, M])), 'float32')) as tf.Scalar;
    return { total: tf.add(nce, tf.mul(mse, genWeight)) as tf.Scalar, nce, mse, accuracy };
  });
}
