import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { classificationReport, mulberry32, type ClassReport } from '@statespace/ssm-core';
import { augment, type AugmentOptions } from '../data/augment';
import { buildPointInputs, pointInputSpec, type NeighborCache } from '../models/inputs';

export interface PredictOptions {
  batch?: number;
  /** Test-time voting: average the softmax over this many copies (the first unaugmented, the rest augmented). */
  votes?: number;
  voteAugment?: AugmentOptions;
  seed?: number;
  /** Reuse FPS/kNN indices of the unaugmented copies across calls (e.g. validation after every epoch). */
  cache?: NeighborCache;
}

/** Class probabilities (S, C) for normalized clouds (flat (S, N, 3)), with optional voting over augmented copies. */
export function predictProbabilities(model: tfl.LayersModel, points: Float32Array, numShapes: number, o: PredictOptions = {}): Float32Array {
  const spec = pointInputSpec(model);
  const N = spec.numPoints;
  if (points.length !== numShapes * N * 3) throw new Error(`predictProbabilities: expected ${numShapes} clouds × ${N} points × 3 floats, received ${points.length}`);
  const votes = o.votes ?? 1;
  if (!Number.isInteger(votes) || votes < 1) throw new Error(`predictProbabilities: 'votes' must be an integer >= 1, received ${votes}`);
  const batch = o.batch ?? 32;
  const rng = mulberry32(o.seed ?? 0);
  const va = o.voteAugment ?? { scale: [0.85, 1.15] as [number, number] };
  let probs: Float32Array | null = null;
  for (let v = 0; v < votes; v++) {
    for (let s0 = 0; s0 < numShapes; s0 += batch) {
      const B = Math.min(batch, numShapes - s0);
      const pts = points.slice(s0 * N * 3, (s0 + B) * N * 3);
      if (v > 0) for (let j = 0; j < B; j++) augment(pts.subarray(j * N * 3, (j + 1) * N * 3), rng, va);
      const keys = Int32Array.from({ length: B }, (_, j) => s0 + j);
      const inputs = buildPointInputs(spec, pts, B, mulberry32((o.seed ?? 0) + 7919 * v + s0), v === 0 && o.cache ? { store: o.cache, keys } : undefined);
      const p = tf.tidy(() => tf.softmax(model.predict(inputs) as tf.Tensor));
      const data = p.dataSync() as Float32Array;
      const C = p.shape[1] as number;
      if (!probs) probs = new Float32Array(numShapes * C);
      for (let i = 0; i < B * C; i++) probs[s0 * C + i] += data[i] / votes;
      tf.dispose([p, ...inputs]);
    }
  }
  return probs ?? new Float32Array(0);
}

export interface ClassifierEvaluation extends ClassReport {
  /** Mean cross-entropy of the (voted) probabilities. */
  loss: number;
  predictions: Int32Array;
  probabilities: Float32Array;
}

/** OA, mean class accuracy, per-class accuracy and the confusion matrix (the kit's classificationReport). */
export function evaluateClassifier(model: tfl.LayersModel, data: { points: Float32Array; labels: Int32Array }, classes: string[], o: PredictOptions = {}): ClassifierEvaluation {
  const S = data.labels.length;
  const C = classes.length;
  const probs = predictProbabilities(model, data.points, S, o);
  const pred = new Int32Array(S);
  let loss = 0;
  for (let s = 0; s < S; s++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[s * C + c] > probs[s * C + best]) best = c;
    pred[s] = best;
    loss -= Math.log(Math.max(1e-12, probs[s * C + data.labels[s]]));
  }
  const report = classificationReport(data.labels, pred, C, classes);
  return { ...report, loss: loss / Math.max(1, S), predictions: pred, probabilities: probs };
}
