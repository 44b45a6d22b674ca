import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { linear } from '../../ops/linear/linear';
import { SeededInitializer } from '../../train/seededInitializer';

/** 'gelu' is the exact (erf) form, 'geluTanh' PyTorch's approximate='tanh' form (see `geluTanh`). */
export type LinearActivation = 'linear' | 'relu' | 'gelu' | 'geluTanh';
const ACTIVATIONS: readonly LinearActivation[] = ['linear', 'relu', 'gelu', 'geluTanh'];

export interface LinearArgs {
  units: number;
  activation?: LinearActivation;
  /** Add a bias (default true). */
  useBias?: boolean;
  /** Seed of the Glorot-uniform kernel (default 0). */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

const NAME = 'Linear';
const GELU_C = 2 * Math.sqrt(2 / Math.PI);

/**
 * GELU in its tanh form (PyTorch's approximate='tanh', within 5e-4 of x·Φ(x)), written as x·σ(2√(2/π)(x + 0.044715x³))
 * because ½(1 + tanh z) = σ(2z). Why: tfjs-wasm's Erf and Tanh are scalar loops ~13× slower than its Sigmoid.
 */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(tf.mul(x, tf.add(tf.mul(tf.square(x), 0.044715 * GELU_C), GELU_C)))));
}

function activate(y: tf.Tensor, a: LinearActivation): tf.Tensor {
  if (a === 'relu') return tf.relu(y);
  if (a === 'gelu') return tf.mul(tf.mul(y, 0.5), tf.add(1, tf.erf(tf.mul(y, Math.SQRT1_2))));
  if (a === 'geluTanh') return geluTanh(y);
  return y;
}

/**
 * A dense layer over the last axis of any-rank input, (..., in) → (..., units), through the `linear` op. Why not
 * tfjs-layers' Dense: its gradient asks tfjs-backend-wasm for transposed BatchMatMuls, which run outside XNNPACK
 * ~9× slower; in the domain models they were over half of a training step (`linear` transposes explicitly on wasm).
 * Same maths and weight names as tfjs' Dense ('kernel' Glorot-uniform, 'bias' zeros), seeded.
 */
export class Linear extends tfl.layers.Layer {
  static className = NAME;
  readonly units: number;
  readonly activation: LinearActivation;
  readonly useBias: boolean;
  readonly seed: number;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;

  constructor(args: LinearArgs) {
    super(args);
    if (!Number.isInteger(args?.units) || args.units < 1) throw new Error(`${NAME}: option 'units' expects an integer >= 1, received ${String(args?.units)}`);
    const act = args.activation ?? 'linear';
    if (!ACTIVATIONS.includes(act)) throw new Error(`${NAME}: option 'activation' expects one of ${ACTIVATIONS.join(', ')}, received '${String(act)}'`);
    this.units = args.units;
    this.activation = act;
    this.useBias = args.useBias ?? true;
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const fanIn = s[s.length - 1];
    if (fanIn == null) throw new Error(`${NAME} '${this.name}': the last input axis must have a known size, received shape [${s.join(', ')}]`);
    const lim = Math.sqrt(6 / (fanIn + this.units));
    this.kernel = this.addWeight('kernel', [fanIn, this.units], 'float32', new SeededInitializer({ distribution: 'uniform', minval: -lim, maxval: lim, seed: this.seed }));
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...s.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const xw = linear(x, this.kernel!.read());
      return activate(this.bias ? tf.add(xw, this.bias.read()) : xw, this.activation);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, useBias: this.useBias, seed: this.seed };
  }
}
tf.serialization.registerClass(Linear, 'statespace');

export function linearLayer(args: LinearArgs): Linear {
  return new Linear(args);
}
