import { checkInt, IGNORE, makeRng, randInt, type TaskBatch } from './common';

export interface SelectiveCopyingOptions {
  batch: number;
  /** Total sequence length L (>= 256 unless allowShort; data region L − nData, then nData markers). */
  seqLen: number;
  /** Number of data token values (default 16): ids 0 … vocab−1. */
  vocab?: number;
  /** Data tokens to memorize and reproduce in order (default 16). */
  nData?: number;
  seed: number;
  /** Allow seqLen < 256 (tests and smoke runs); the paper's task uses long sequences. */
  allowShort?: boolean;
}

const TASK = 'selectiveCopying';

/** Token ids of the special tokens for a given data vocabulary size. */
export const selectiveCopyingTokens = (vocab: number): { noise: number; marker: number; vocabSize: number } =>
  ({ noise: vocab, marker: vocab + 1, vocabSize: vocab + 2 });

/**
 * Selective Copying (Gu & Dao 2023, "Mamba", §4.1.1; the copying data of the S4 repository): the
 * first L − nData positions hold nData data tokens (uniform over 0 … vocab−1) at distinct random
 * positions, in increasing position order, among noise tokens (id vocab); the last nData positions
 * are markers (id vocab+1). At marker i the target is the i-th data token; other targets are -1.
 */
export function selectiveCopying(o: SelectiveCopyingOptions): TaskBatch {
  if (o == null || typeof o !== 'object') throw new Error(`${TASK}: expected an options object, received ${String(o)}`);
  const batch = checkInt(TASK, 'batch', o.batch, 1);
  const vocab = checkInt(TASK, 'vocab', o.vocab ?? 16, 1);
  const nData = checkInt(TASK, 'nData', o.nData ?? 16, 1);
  const seqLen = checkInt(TASK, 'seqLen', o.seqLen, o.allowShort ? 1 : 256);
  if (seqLen < 2 * nData) {
    throw new Error(`${TASK}: option 'seqLen' must be >= 2·nData = ${2 * nData} (data region plus markers), received ${seqLen}`);
  }
  const rng = makeRng(TASK, o.seed);
  const { noise, marker, vocabSize } = selectiveCopyingTokens(vocab);
  const region = seqLen - nData;
  const inputs = new Int32Array(batch * seqLen).fill(noise);
  const targets = new Int32Array(batch * seqLen).fill(IGNORE);
  const perm = new Int32Array(region);
  for (let b = 0; b < batch; b++) {
    const row = b * seqLen;
    // Partial Fisher–Yates: the first nData entries of perm are distinct random positions.
    for (let i = 0; i < region; i++) perm[i] = i;
    for (let i = 0; i < nData; i++) {
      const j = i + randInt(rng, region - i);
      const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
    const pos = Array.from(perm.subarray(0, nData)).sort((x, y) => x - y);
    for (let i = 0; i < nData; i++) {
      const tok = randInt(rng, vocab);
      inputs[row + pos[i]] = tok;
      inputs[row + region + i] = marker;
      targets[row + region + i] = tok;
    }
  }
  return { inputs, targets, batch, seqLen, vocabSize };
}
