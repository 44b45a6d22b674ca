import { mulberry32, type Rng } from '../train/seed';

/** A batch of a synthetic token task: row-major (batch, seqLen) int32; targets are -1 where ignored. */
export interface TaskBatch {
  inputs: Int32Array;
  targets: Int32Array;
  batch: number;
  seqLen: number;
  /** Size of the input/output token alphabet (data tokens plus the task's special tokens). */
  vocabSize: number;
}

/** Index of the value produced for ignored target positions. */
export const IGNORE = -1;

export function checkInt(task: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${task}: option '${name}' must be an integer >= ${min}, received ${String(v)}`);
  }
  return v;
}

export function makeRng(task: string, seed: unknown): Rng {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new Error(`${task}: option 'seed' must be an integer, received ${String(seed)}`);
  }
  return mulberry32(seed);
}

/** Integer uniform in [0, n). */
export const randInt = (rng: Rng, n: number): number => Math.floor(rng() * n);
