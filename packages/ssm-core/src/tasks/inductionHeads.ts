import { checkInt, IGNORE, makeRng, randInt, type TaskBatch } from './common';

export interface InductionHeadsOptions {
  batch: number;
  /** Sequence length L (>= 3). */
  seqLen: number;
  /** Number of ordinary token values (default 16): ids 0 … vocab−1; the trigger is id vocab. */
  vocab?: number;
  seed: number;
}

const TASK = 'inductionHeads';

export const inductionHeadsTokens = (vocab: number): { trigger: number; vocabSize: number } =>
  ({ trigger: vocab, vocabSize: vocab + 1 });

/**
 * Induction Heads (Olsson et al. 2022; Mamba §4.1.2): uniform random tokens over 0 … vocab−1; the
 * trigger token (id vocab) appears once at a random position p ∈ [0, L−3] followed by the key
 * token at p+1, and again at the last position L−1, whose target is the key; other targets are -1.
 */
export function inductionHeads(o: InductionHeadsOptions): TaskBatch {
  if (o == null || typeof o !== 'object') throw new Error(`${TASK}: expected an options object, received ${String(o)}`);
  const batch = checkInt(TASK, 'batch', o.batch, 1);
  const seqLen = checkInt(TASK, 'seqLen', o.seqLen, 3);
  const vocab = checkInt(TASK, 'vocab', o.vocab ?? 16, 1);
  const rng = makeRng(TASK, o.seed);
  const { trigger, vocabSize } = inductionHeadsTokens(vocab);
  const inputs = new Int32Array(batch * seqLen);
  const targets = new Int32Array(batch * seqLen).fill(IGNORE);
  for (let b = 0; b < batch; b++) {
    const row = b * seqLen;
    for (let l = 0; l < seqLen; l++) inputs[row + l] = randInt(rng, vocab);
    const p = randInt(rng, seqLen - 2);
    inputs[row + p] = trigger;
    inputs[row + seqLen - 1] = trigger;
    targets[row + seqLen - 1] = inputs[row + p + 1];
  }
  return { inputs, targets, batch, seqLen, vocabSize };
}
