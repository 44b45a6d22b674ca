import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { H3, LongConv, S4, S4D } from '../layers/lti';
import { BiMamba, Block, Mamba } from '../layers/mamba';
import { Hydra, Mamba2 } from '../layers/mamba2';
import { RMSNorm } from '../layers/norm';

export type MixerKind = 'mamba' | 'mamba2' | 's4d' | 's4' | 'h3' | 'longconv' | 'hydra' | 'bimamba';
export const MIXER_KINDS: readonly MixerKind[] = ['mamba', 'mamba2', 's4d', 's4', 'h3', 'longconv', 'hydra', 'bimamba'];
/** Mixers with a step mode (they never read future tokens): the ones `generate` can run. */
export const CAUSAL_MIXERS: readonly MixerKind[] = ['mamba', 'mamba2', 's4d', 's4', 'h3', 'longconv'];

export interface SequenceModelOptions {
  /** Token input: int ids (batch, L) in [0, vocabSize) through an Embedding. Give this or `inputDim`. */
  vocabSize?: number;
  /** Feature input: (batch, L, inputDim) floats through a Dense. Give this or `vocabSize`. */
  inputDim?: number;
  dModel: number;
  nLayers: number;
  mixer: MixerKind;
  /** Width of the final Dense (logits for next-token tasks, values for regression). */
  outputDim: number;
  /** Seeds every initializer and mixer, so the same options give the same weights. */
  seed: number;
  /** SSM state size N of the mixers (default 16; even). */
  dState?: number;
  /** LongConv kernel length (default 64): the longest dependency a 'longconv' model can learn. */
  kernelLength?: number;
}

const OP = 'buildSequenceModel';

function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${OP}: option '${name}' must be an integer >= ${min}, received ${String(v)}`);
  return v;
}

/** One mixer of width dModel, seeded; each kind uses its layer's own defaults otherwise. */
function makeMixer(kind: MixerKind, dModel: number, dState: number, kernelLength: number, seed: number): tfl.layers.Layer {
  switch (kind) {
    case 'mamba': return new Mamba({ dModel, dState, seed });
    case 'bimamba': return new BiMamba({ dModel, dState, seed });
    case 's4d': return new S4D({ dModel, dState, seed });
    case 's4': return new S4({ dModel, dState, seed });
    case 'h3': return new H3({ dModel, dState, seed });
    case 'longconv': return new LongConv({ dModel, kernelLength, seed });
    case 'mamba2':
    case 'hydra': {
      // dInner = 2·dModel split into heads of headDim (64 when it divides, else a single head).
      const headDim = (2 * dModel) % 64 === 0 ? 64 : 2 * dModel;
      const Cls = kind === 'mamba2' ? Mamba2 : Hydra;
      return new Cls({ dModel, dState, headDim, seed });
    }
    default:
      throw new Error(`${OP}: option 'mixer' must be one of ${MIXER_KINDS.join(', ')}, received ${String(kind)}`);
  }
}

/**
 * A sequence model for a new domain from the package's layers:
 * input (Embedding for token ids, or Dense for features) → nLayers × Block(mixer) (pre-norm
 * residual) → RMSNorm → Dense(outputDim). Returns a plain tfl.LayersModel: compile/fit/predict/save
 * work as usual, and `generate` runs it token by token when the mixer is causal.
 */
export function buildSequenceModel(o: SequenceModelOptions): tfl.LayersModel {
  if (o == null || typeof o !== 'object') throw new Error(`${OP}: expected an options object, received ${String(o)}`);
  if ((o.vocabSize == null) === (o.inputDim == null)) {
    throw new Error(`${OP}: give exactly one of 'vocabSize' (token ids) or 'inputDim' (features), received vocabSize=${String(o.vocabSize)}, inputDim=${String(o.inputDim)}`);
  }
  if (!MIXER_KINDS.includes(o.mixer)) throw new Error(`${OP}: option 'mixer' must be one of ${MIXER_KINDS.join(', ')}, received ${String(o.mixer)}`);
  const dModel = checkInt('dModel', o.dModel, 1);
  const nLayers = checkInt('nLayers', o.nLayers, 1);
  const outputDim = checkInt('outputDim', o.outputDim, 1);
  const seed = checkInt('seed', o.seed, 0);
  const dState = checkInt('dState', o.dState ?? 16, 2);
  const kernelLength = checkInt('kernelLength', o.kernelLength ?? 64, 1);

  let input: tfl.SymbolicTensor;
  let h: tfl.SymbolicTensor;
  if (o.vocabSize != null) {
    const vocab = checkInt('vocabSize', o.vocabSize, 1);
    input = tfl.input({ shape: [null], dtype: 'int32' });
    // N(0, 1) like PyTorch's nn.Embedding.
    h = tfl.layers.embedding({ inputDim: vocab, outputDim: dModel, embeddingsInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed }) })
      .apply(input) as tfl.SymbolicTensor;
  } else {
    const inputDim = checkInt('inputDim', o.inputDim, 1);
    input = tfl.input({ shape: [null, inputDim] });
    h = tfl.layers.dense({ units: dModel, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(input) as tfl.SymbolicTensor;
  }
  for (let i = 0; i < nLayers; i++) {
    h = new Block({ mixer: makeMixer(o.mixer, dModel, dState, kernelLength, seed + 1 + i) }).apply(h) as tfl.SymbolicTensor;
  }
  h = new RMSNorm({}).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: outputDim, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 + nLayers }) })
    .apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** The model's parts in order; throws unless it has the buildSequenceModel layout with token input. */
function partsOf(model: tfl.LayersModel): { embed: tfl.layers.Layer; blocks: Block[]; tail: tfl.layers.Layer[] } {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const [embed, ...rest] = layers;
  if (embed == null || embed.getClassName() !== 'Embedding') {
    throw new Error(`generate: the model must start with an Embedding (build it with buildSequenceModel({ vocabSize, ... })), received ${embed?.getClassName() ?? 'no layers'}`);
  }
  const blocks = rest.filter((l): l is Block => l instanceof Block);
  const tail = rest.slice(blocks.length);
  if (blocks.length === 0 || tail.length !== 2 || !(tail[0] instanceof RMSNorm) || tail[1].getClassName() !== 'Dense') {
    throw new Error(`generate: expected Embedding → Block… → RMSNorm → Dense, received ${layers.map((l) => l.getClassName()).join(' → ')}`);
  }
  for (const b of blocks) {
    const m = b.mixer;
    if (m instanceof Hydra || m instanceof BiMamba || (m as { bidirectional?: boolean }).bidirectional === true) {
      throw new Error(`generate: needs causal mixers (step mode), received non-causal ${m.getClassName()}; causal kinds: ${CAUSAL_MIXERS.join(', ')}`);
    }
  }
  return { embed, blocks, tail };
}

/**
 * Greedy decoding with constant cost per token: the prompt (token ids) runs through each Block's
 * `step` once, then every new token is one step of T = 1 from the carried states (no re-reading of
 * the sequence). Returns the `steps` generated token ids. Batch 1; states are disposed on return.
 */
export function generate(model: tfl.LayersModel, prompt: number[], steps: number): number[] {
  if (!Array.isArray(prompt) || prompt.length === 0 || !prompt.every((t) => Number.isInteger(t) && t >= 0)) {
    throw new Error(`generate: argument 'prompt' must be a non-empty array of token ids (integers >= 0), received ${JSON.stringify(prompt)}`);
  }
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`generate: argument 'steps' must be an integer >= 0, received ${String(steps)}`);
  const { embed, blocks, tail } = partsOf(model);
  let states = blocks.map((b) => b.initialState(1));
  const out: number[] = [];
  let chunk = prompt;
  try {
    for (let i = 0; i < steps; i++) {
      const next = tf.tidy(() => {
        let h = embed.apply(tf.tensor2d([chunk], [1, chunk.length], 'int32')) as tf.Tensor;
        const newStates: tf.Tensor[][] = [];
        for (let j = 0; j < blocks.length; j++) {
          const r = blocks[j].step(states[j], h);
          h = r.y;
          newStates.push(r.state);
        }
        const last = tf.slice(h, [0, chunk.length - 1, 0], [1, 1, -1]);
        const logits = tail[1].apply(tail[0].apply(last)) as tf.Tensor;
        newStates.flat().forEach((t) => tf.keep(t));
        return { token: tf.keep(tf.argMax(tf.reshape(logits, [-1]))), newStates };
      });
      tf.dispose(states.flat());
      states = next.newStates;
      const token = next.token.dataSync()[0];
      next.token.dispose();
      out.push(token);
      chunk = [token];
    }
  } finally {
    tf.dispose(states.flat());
  }
  return out;
}
