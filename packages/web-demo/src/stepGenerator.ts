import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Block, buildSequenceModel, mulberry32, RMSNorm, type Rng } from '../../ssm-core/src/browser';
import { ALPHABET, DEMO_MODEL } from './demoModelConfig';

export { ALPHABET, DEMO_MODEL, decode, encode } from './demoModelConfig';

/** The demo's language model: Embedding → Block(Mamba) ×2 → RMSNorm → Dense over a character vocabulary. */
export function buildDemoModel(): tfl.LayersModel {
  return buildSequenceModel({ ...DEMO_MODEL, mixer: 'mamba', outputDim: ALPHABET.length });
}

export interface StepOptions {
  /** 0: greedy (argmax); > 0: sample from softmax(logits / temperature) with a seeded generator. */
  temperature: number;
  seed: number;
}

/** Index drawn from softmax(logits / temperature) with `rng`, or the argmax when temperature is 0. */
export function pickToken(logits: Float32Array, temperature: number, rng: Rng): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature <= 0) return best;
  const w = Array.from(logits, (v) => Math.exp((v - logits[best]) / temperature));
  let r = rng() * w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < w.length; i++) {
    r -= w[i];
    if (r <= 0) return i;
  }
  return w.length - 1;
}

/**
 * Token-by-token decoding with constant cost per token: each Block carries its Mamba state
 * (conv taps + SSM state) from `initialState`, and every new token is one `step` of T = 1.
 * Reads the logits back with `await data()` (a sync read would stall the page on webgpu).
 * Written here rather than calling ssm-core's `generate` because that one is synchronous
 * (dataSync) and greedy; this one yields each token so the page can show it as it comes.
 */
export async function* generateSteps(model: tfl.LayersModel, prompt: number[], steps: number, opts: StepOptions): AsyncGenerator<number> {
  if (prompt.length === 0) throw new Error('generateSteps: argument \'prompt\' must hold at least one token id, received []');
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const [embed, ...rest] = layers;
  const blocks = rest.filter((l): l is Block => l instanceof Block);
  const [norm, head] = rest.slice(blocks.length);
  if (embed?.getClassName() !== 'Embedding' || blocks.length === 0 || !(norm instanceof RMSNorm) || head?.getClassName() !== 'Dense') {
    throw new Error(`generateSteps: expected Embedding → Block… → RMSNorm → Dense, received ${layers.map((l) => l.getClassName()).join(' → ')}`);
  }
  const rng = mulberry32(opts.seed);
  let states = blocks.map((b) => b.initialState(1));
  let chunk = prompt;
  try {
    for (let i = 0; i < steps; i++) {
      const next = tf.tidy(() => {
        let h = embed.apply(tf.tensor2d([chunk], [1, chunk.length], 'int32')) as tf.Tensor;
        const newStates = blocks.map((b, j) => {
          const r = b.step(states[j], h);
          h = r.y;
          return r.state.map((t) => tf.keep(t));
        });
        const last = tf.slice(h, [0, chunk.length - 1, 0], [1, 1, -1]);
        const logits = tf.reshape(head.apply(norm.apply(last)) as tf.Tensor, [-1]);
        return { logits: tf.keep(logits), newStates };
      });
      tf.dispose(states.flat());
      states = next.newStates;
      const values = (await next.logits.data()) as Float32Array;
      next.logits.dispose();
      const token = pickToken(values, opts.temperature, rng);
      chunk = [token];
      yield token;
    }
  } finally {
    tf.dispose(states.flat());
  }
}
