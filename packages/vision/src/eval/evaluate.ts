import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { argmaxRows, classificationReport, confusionMatrixSvg, topKAccuracy, writePng } from '@statespace/ssm-core';
import { makeBatch, type BatchOptions } from '../data/dataset';
import type { ImageSource } from '../data/source';

export interface EvaluationResult {
  count: number;
  top1: number;
  top5: number;
  meanClassAccuracy: number;
  perClass: { name: string; support: number; accuracy: number }[];
  confusion: number[][];
  /** Forward-pass throughput (decoding excluded). */
  imagesPerSecond: number;
  skipped: number;
  /** With flipTta: top-1 of the plain forward pass (top1/top5 are then the test-time-augmented ones). */
  top1Plain?: number;
}

/**
 * Top-1 / top-5 / per-class accuracy, the confusion matrix and images per second of `model` on
 * `source` (batches fitted and normalized as in training, no augmentation). `flipTta`: predictions are the
 * mean of the softmax of each image and of its horizontal mirror (the flip the training augmentation uses);
 * `top1Plain` then gives the plain pass's top-1 as well.
 */
export async function evaluateModel(model: tfl.LayersModel, source: ImageSource, o: Omit<BatchOptions, 'augment' | 'rng'> & { batch?: number; limit?: number; flipTta?: boolean }): Promise<EvaluationResult> {
  const n = Math.min(source.size, o.limit ?? source.size);
  const batch = o.batch ?? 128;
  const numClasses = (model.outputs[0].shape[1] as number) ?? source.classNames.length;
  const logits: Float32Array[] = [];
  const labels: number[] = [];
  let seconds = 0;
  let skipped = 0;
  let plainCorrect = 0;
  for (let start = 0; start < n; start += batch) {
    const idx = Array.from({ length: Math.min(batch, n - start) }, (_, i) => start + i);
    const b = await makeBatch(source, idx, o);
    skipped += b.skipped.length;
    if (b.count === 0) continue;
    const t0 = process.hrtime.bigint();
    const [out, plain] = tf.tidy(() => {
      const x = tf.tensor4d(b.x, [b.count, o.size, o.size, o.channels]);
      const y = model.predict(x) as tf.Tensor;
      if (!o.flipTta) return [y, null];
      const mirrored = model.predict(tf.reverse(x, 2)) as tf.Tensor;
      return [tf.div(tf.add(tf.softmax(y), tf.softmax(mirrored)), 2), tf.argMax(y, 1)];
    });
    logits.push(out.dataSync() as Float32Array);
    if (plain) {
      const p = plain.dataSync();
      for (let i = 0; i < b.count; i++) plainCorrect += p[i] === b.labels[i] ? 1 : 0;
    }
    tf.dispose([out, plain ?? []]);
    seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    labels.push(...b.labels);
  }
  const all = new Float32Array(labels.length * numClasses);
  let off = 0;
  for (const l of logits) { all.set(l, off); off += l.length; }
  for (const l of labels) {
    if (l >= numClasses) throw new Error(`evaluateModel: label ${l} in ${source.description} but the model has ${numClasses} classes`);
  }
  const names = source.classNames.length === numClasses ? source.classNames : undefined;
  const report = classificationReport(labels, argmaxRows(all, numClasses), numClasses, names);
  return {
    count: labels.length,
    top1: report.accuracy,
    top5: topKAccuracy(all, numClasses, labels, Math.min(5, numClasses)),
    meanClassAccuracy: report.meanClassAccuracy,
    perClass: report.perClass,
    confusion: report.confusion,
    imagesPerSecond: seconds > 0 ? labels.length / seconds : 0,
    skipped,
    ...(o.flipTta ? { top1Plain: labels.length > 0 ? plainCorrect / labels.length : 0 } : {}),
  };
}

/** Writes the (row-normalized) confusion matrix as a PNG (kit SVG → sharp). */
export async function writeConfusionPng(r: EvaluationResult, classNames: string[], file: string, title = 'confusion matrix'): Promise<void> {
  await writePng(confusionMatrixSvg(r.confusion, classNames, { title: `${title} (top-1 ${(100 * r.top1).toFixed(2)}%)`, normalize: true }), file);
}
