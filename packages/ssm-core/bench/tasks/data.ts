import * as tf from '@tensorflow/tfjs-core';
import { inductionHeads } from '../../src/tasks/inductionHeads';
import { selectiveCopying } from '../../src/tasks/selectiveCopying';
import type { TaskBatch } from '../../src/tasks/common';

export type TaskName = 'selective-copying' | 'induction-heads';
export const TASKS: readonly TaskName[] = ['selective-copying', 'induction-heads'];

/** Data vocabulary (16 as in the Mamba paper) and the number of tokens to copy. */
export const TASK_VOCAB = 16;
export const COPY_TOKENS = 16;

export function generate(task: TaskName, batch: number, seqLen: number, seed: number): TaskBatch {
  return task === 'selective-copying'
    ? selectiveCopying({ batch, seqLen, vocab: TASK_VOCAB, nData: COPY_TOKENS, seed, allowShort: true })
    : inductionHeads({ batch, seqLen, vocab: TASK_VOCAB, seed });
}

export const vocabSizeOf = (task: TaskName): number => generate(task, 1, 64, 0).vocabSize;

/** Tensors for one batch: tokens (batch, L), flat indices of the target positions, their labels. */
export interface BatchTensors {
  tokens: tf.Tensor2D;
  positions: tf.Tensor1D;
  labels: tf.Tensor1D;
  labelValues: Int32Array;
}

export function toTensors(d: TaskBatch): BatchTensors {
  const pos: number[] = [];
  const lab: number[] = [];
  d.targets.forEach((t, i) => {
    if (t >= 0) { pos.push(i); lab.push(t); }
  });
  const labelValues = Int32Array.from(lab);
  return {
    tokens: tf.tensor2d(d.inputs, [d.batch, d.seqLen], 'int32'),
    positions: tf.tensor1d(pos, 'int32'),
    labels: tf.tensor1d(labelValues, 'int32'),
    labelValues,
  };
}

export const disposeBatch = (b: BatchTensors): void => tf.dispose([b.tokens, b.positions, b.labels]);
