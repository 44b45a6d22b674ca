import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mulberry32, type Rng } from '@statespace/ssm-core';
import { farthestPointSample, gatherPoints } from '../geometry/fps';
import { knn } from '../geometry/neighbors';
import { inversePermutation } from '../serialize/cts';
import { serializationOrder, type Serialization } from '../serialize/orders';

export interface StageSpec {
  anchors: number;
  k: number;
  layers: { serialization: Serialization; variant: number; gridSize: number }[];
}
/** What a point model needs as input, read back from the model itself (so a loaded checkpoint carries it). */
export interface PointInputSpec { numPoints: number; stages: StageSpec[] }

export function pointInputSpec(model: tfl.LayersModel): PointInputSpec {
  const pts = model.inputs.find((t) => t.name.startsWith('points'));
  if (!pts) throw new Error(`pointInputSpec: model '${model.name}' has no 'points' input`);
  const stages: StageSpec[] = [];
  for (let s = 0; ; s++) {
    const idx = model.inputs.find((t) => t.name.startsWith(`stage${s}_index`));
    if (!idx) break;
    const group = model.layers.find((l) => l.name === `stage${s}_group`);
    if (!group) throw new Error(`pointInputSpec: model has input stage${s}_index but no layer stage${s}_group`);
    const layers = model.layers
      .filter((l) => l.name.startsWith(`stage${s}_mamba`))
      .map((l) => l.getConfig() as unknown as { orderColumn: number; serialization: Serialization; variant: number; gridSize: number })
      .sort((a, b) => a.orderColumn - b.orderColumn)
      .map(({ serialization, variant, gridSize }) => ({ serialization, variant, gridSize }));
    stages.push({ anchors: idx.shape[1] as number, k: (group.getConfig() as { k: number }).k, layers });
  }
  return { numPoints: pts.shape[1] as number, stages };
}

/**
 * Builds the model inputs for a batch of clouds (flat (B, N, 3)): the points tensor and, per stage, the int32 table
 * [FPS anchor index | k nearest neighbours | order, inverse per layer] computed on the CPU with the typed-array ops.
 * Anchors come from the previous level. `rng` drives 'random' serializations (default: seeded 0).
 * `cache` (keyed by cloud id) reuses each cloud's FPS and kNN indices from its first visit: they are unchanged by
 * rotation, shift and isotropic scaling and change little under the mild anisotropic scaling of training, while
 * the serialization orders are always recomputed on the current (augmented) coordinates.
 */
/** Per-cloud FPS and kNN indices of every stage, reusable across epochs (see buildPointInputs' `cache`). */
export type NeighborCache = Map<number, { anchorIdx: Int32Array; nbr: Int32Array }[]>;

export function buildPointInputs(spec: PointInputSpec, points: Float32Array, batch: number, rng: Rng = mulberry32(0),
  cache?: { store: NeighborCache; keys: ArrayLike<number> }): tf.Tensor[] {
  const N = spec.numPoints;
  if (points.length !== batch * N * 3) {
    throw new Error(`buildPointInputs: expected ${batch} clouds × ${N} points × 3 = ${batch * N * 3} floats, received ${points.length}`);
  }
  const tables = spec.stages.map((s) => new Int32Array(batch * s.anchors * (1 + s.k + 2 * s.layers.length)));
  for (let b = 0; b < batch; b++) {
    let level: Float32Array = points.subarray(b * N * 3, (b + 1) * N * 3);
    const cached = cache?.store.get(cache.keys[b]);
    const fresh: { anchorIdx: Int32Array; nbr: Int32Array }[] = [];
    spec.stages.forEach((s, si) => {
      const W = 1 + s.k + 2 * s.layers.length;
      const anchorIdx = cached ? cached[si].anchorIdx : farthestPointSample(level, s.anchors);
      const anchors = gatherPoints(level, anchorIdx);
      const nbr = cached ? cached[si].nbr : knn(level, anchors, s.k);
      fresh.push({ anchorIdx, nbr });
      const orders = s.layers.map((l) => serializationOrder(l.serialization, anchors, l.variant, { gridSize: l.gridSize, rng }));
      const t = tables[si];
      const base = b * s.anchors * W;
      for (let m = 0; m < s.anchors; m++) {
        const row = base + m * W;
        t[row] = anchorIdx[m];
        for (let j = 0; j < s.k; j++) t[row + 1 + j] = nbr[m * s.k + j];
      }
      orders.forEach((o, j) => {
        const inv = inversePermutation(o);
        for (let m = 0; m < s.anchors; m++) {
          t[base + m * W + 1 + s.k + 2 * j] = o[m];
          t[base + m * W + 2 + s.k + 2 * j] = inv[m];
        }
      });
      level = anchors;
    });
    if (cache && !cached) cache.store.set(cache.keys[b], fresh);
  }
  return [
    tf.tensor3d(points, [batch, N, 3]),
    ...spec.stages.map((s, si) => tf.tensor3d(tables[si], [batch, s.anchors, 1 + s.k + 2 * s.layers.length], 'int32')),
  ];
}
