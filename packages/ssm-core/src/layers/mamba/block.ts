import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { assertEps, rmsNormalize } from '../norm/common';
import { DropPath } from '../norm/dropPath';
import { buildWidth, checkRate } from '../lti/common';
import { MaskPassingLayer } from '../maskPassingLayer';
import { firstMask, splitInputs } from '../maskPassingLayer';

/** A serialized layer: { className, config } as tfjs writes it. */
export interface SerializedLayer {
  className: string;
  config: tf.serialization.ConfigDict;
}

export interface BlockArgs extends LayerArgs {
  /** The mixer: a layer instance (built by the Block) or its serialized form. Its output must have the input's width. */
  mixer: tfl.layers.Layer | SerializedLayer;
  /** RMSNorm eps (default 1e-5). */
  eps?: number;
  /** DropPath rate on the mixer branch in training (default 0). */
  dropPath?: number;
  /** DropPath seed (default random). */
  seed?: number;
}

const NAME = 'Block';

type Stepper = {
  initialState(batch: number): tf.Tensor[];
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] };
};
type SegmentCaller = { callWithSegments(x: tf.Tensor, segmentIds: tf.Tensor2D, mask?: tf.Tensor): tf.Tensor };

/** Rebuilds a layer from { className, config } through the tf.serialization registry (tfl and statespace layers). */
function deserializeLayer(s: SerializedLayer): tfl.layers.Layer {
  if (s == null || typeof s !== 'object' || typeof s.className !== 'string') {
    throw new Error(`${NAME}: option 'mixer' must be a Layer or { className, config }, received ${JSON.stringify(s)}`);
  }
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[s.className];
  if (entry == null) throw new Error(`${NAME}: option 'mixer' names an unregistered class, received className "${s.className}"`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, { ...(s.config ?? {}) }) as unknown as tfl.layers.Layer;
}

/**
 * Pre-norm residual block (ALGORITHMS §1.6): out = x + DropPath(mixer(RMSNorm(x))). The norm
 * weight is the block's `norm_gamma` (no weight decay under AdamW's default noDecay); the mixer is
 * any layer (Mamba, BiMamba, S4D, ...), saved in the block's config as { className, config } and
 * rebuilt from the tf.serialization registry. Its weights are built under the block's name and
 * listed as the block's weights, so models save, load and train them. Masks and segment ids go to
 * the mixer; `step` / `initialState` forward to the mixer's when it has them.
 */
export class Block extends MaskPassingLayer {
  static className = NAME;
  readonly mixer: tfl.layers.Layer;
  readonly eps: number;
  readonly dropPathRate: number;
  readonly seed: number | null;
  private readonly dropPath: DropPath;
  private gamma: LayerVariable | null = null;

  constructor(args: BlockArgs) {
    super(args ?? ({} as BlockArgs));
    const m = args?.mixer;
    this.mixer = m instanceof tfl.layers.Layer ? m : deserializeLayer(m as SerializedLayer);
    this.eps = args.eps ?? 1e-5;
    assertEps(NAME, this.eps);
    this.dropPathRate = checkRate(NAME, 'dropPath', args.dropPath ?? 0);
    this.seed = args.seed ?? null;
    this.dropPath = new DropPath({ rate: this.dropPathRate, seed: this.seed ?? undefined });
    this.supportsMasking = true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const H = buildWidth(NAME, first);
    this.gamma = this.addWeight('norm_gamma', [H], 'float32', tfl.initializers.ones());
    if (!this.mixer.built) {
      this.mixer.build(first);
      this.mixer.built = true;
    }
    const out = this.mixer.computeOutputShape(first) as tfl.Shape;
    if (out[out.length - 1] !== H) {
      throw new Error(`${NAME}: the mixer must keep the width (residual), expected output width ${H}, received ${this.mixer.getClassName()} output shape [${out.join(', ')}]`);
    }
    // The mixer's weights become the block's, so the model lists, saves and trains them.
    const self = this as unknown as { _trainableWeights: LayerVariable[]; _nonTrainableWeights: LayerVariable[] };
    self._trainableWeights.push(...this.mixer.trainableWeights);
    self._nonTrainableWeights.push(...this.mixer.nonTrainableWeights);
    this.built = true;
  }

  private norm(x: tf.Tensor): tf.Tensor {
    return tf.mul(rmsNormalize(x, this.eps), this.gamma!.read());
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const [x, seg] = splitInputs(inputs);
    const mask = firstMask(kwargs?.mask);
    return tf.tidy(() => {
      const xn = this.norm(x);
      let branch: tf.Tensor;
      if (seg != null) {
        const caller = this.mixer as unknown as Partial<SegmentCaller>;
        if (typeof caller.callWithSegments !== 'function') throw new Error(`${NAME}: segment ids given, but mixer ${this.mixer.getClassName()} has no callWithSegments()`);
        branch = caller.callWithSegments(xn, seg, mask ?? undefined);
      } else {
        branch = this.mixer.call(xn, mask ? { ...kwargs, mask } : { ...kwargs, mask: undefined }) as tf.Tensor;
      }
      const dropped = this.dropPath.call(branch, { training: kwargs?.training === true }) as tf.Tensor;
      return tf.add(x, dropped);
    });
  }

  /** Forward over packed sequences (the mixer must have callWithSegments). */
  callWithSegments(x: tf.Tensor, segmentIds: tf.Tensor2D, mask?: tf.Tensor): tf.Tensor {
    return this.apply([x, segmentIds], mask ? { mask } : {}) as tf.Tensor;
  }

  private stepper(): Stepper {
    if (!this.built) throw new Error(`${NAME}: build the layer (apply it once) before step()/initialState()`);
    const s = this.mixer as unknown as Partial<Stepper>;
    if (typeof s.step !== 'function' || typeof s.initialState !== 'function') {
      throw new Error(`${NAME}: step() needs a mixer with step()/initialState(), received ${this.mixer.getClassName()}`);
    }
    return s as Stepper;
  }

  initialState(batch: number): tf.Tensor[] {
    return this.stepper().initialState(batch);
  }

  /** x + mixer.step(state, RMSNorm(x)) for T >= 1 tokens; `state` is not disposed. */
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] } {
    const s = this.stepper();
    return tf.tidy(() => {
      const r = s.step(state, this.norm(x));
      return { y: tf.add(x, r.y), state: r.state };
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      mixer: { className: this.mixer.getClassName(), config: this.mixer.getConfig() },
      eps: this.eps, dropPath: this.dropPathRate, seed: this.seed,
    };
  }
}
tf.serialization.registerClass(Block, 'statespace');

export function block(args: BlockArgs): Block {
  return new Block(args);
}
