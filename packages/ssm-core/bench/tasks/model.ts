import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Block } from '../../src/layers/mamba/block';
import { Mamba } from '../../src/layers/mamba/mamba';
import { S4D } from '../../src/layers/lti/s4d';
import { RMSNorm } from '../../src/layers/norm/rmsNorm';

export type MixerKind = 'mamba' | 's4d';
export const MIXERS: readonly MixerKind[] = ['mamba', 's4d'];

export interface TaskModelOptions {
  mixer: MixerKind;
  vocabSize: number;
  dModel: number;
  nLayers: number;
  /** Mamba's dState (S4D uses its own default, 64). */
  dState: number;
  /** Mamba's expand (default 2). */
  expand?: number;
  seed: number;
}

/**
 * Embedding → nLayers × Block(mixer) → RMSNorm → Dense(vocab). The head runs only at the
 * positions that have targets (gathered first), which is all the loss and the accuracy need.
 */
export class TaskModel {
  private readonly embed: tfl.layers.Layer;
  private readonly blocks: Block[];
  private readonly norm: RMSNorm;
  private readonly head: tfl.layers.Layer;
  private built = false;

  constructor(readonly o: TaskModelOptions) {
    const { dModel, seed } = o;
    this.embed = tfl.layers.embedding({
      inputDim: o.vocabSize, outputDim: dModel, embeddingsInitializer: tfl.initializers.randomNormal({ stddev: 1, seed }),
    });
    this.blocks = Array.from({ length: o.nLayers }, (_, i) => new Block({
      mixer: o.mixer === 'mamba'
        ? new Mamba({ dModel, dState: o.dState, expand: o.expand ?? 2, seed: seed + 101 * (i + 1) })
        : new S4D({ dModel, seed: seed + 101 * (i + 1) }),
    }));
    this.norm = new RMSNorm({});
    // glorotUniform for the head (tfl default); the mixers' projections use their own (PyTorch-like) init.
    this.head = tfl.layers.dense({ units: o.vocabSize, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 7 }) });
  }

  /** Logits (rows of `positions`, vocabSize) for int32 `tokens` (batch, L); positions index batch·L. */
  logitsAt(tokens: tf.Tensor2D, positions: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = this.embed.apply(tokens) as tf.Tensor;
      for (const b of this.blocks) h = b.apply(h) as tf.Tensor;
      const [batch, L, d] = h.shape;
      const picked = tf.gather(tf.reshape(h, [batch * L, d]), positions);
      const out = this.head.apply(this.norm.apply(picked) as tf.Tensor) as tf.Tensor2D;
      this.built = true;
      return out;
    });
  }

  /** The trainable variables (after one forward pass). */
  variables(): tf.Variable[] {
    if (!this.built) throw new Error('TaskModel: run logitsAt once before variables()');
    const layers: tfl.layers.Layer[] = [this.embed, ...this.blocks, this.norm, this.head];
    return layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  }

  parameterCount(): number {
    return this.variables().reduce((s, v) => s + v.size, 0);
  }

  dispose(): void {
    for (const l of [this.embed, ...this.blocks, this.norm, this.head]) l.dispose();
  }
}
