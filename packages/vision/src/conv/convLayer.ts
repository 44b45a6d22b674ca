import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { addValueWeight, linear, subRng } from '@statespace/ssm-core';
import { uniformValues } from '../models/weights';
import { fusedConvAvailable } from './depthwiseConv';
import { extractPatches } from './patches';

export interface VisionConvArgs extends LayerArgs {
  filters: number;
  kernelSize: number;
  strides?: number; // 1
  activation?: 'linear' | 'relu';
  seed?: number; // 0: kernel and bias U(±1/sqrt(k·k·Cin)), PyTorch's conv default
}

const NAME = 'VisionConv2D';

/**
 * A k×k, stride-s, 'same'-padded dense conv (the stem and the downsampling between stages) as
 * im2col (extractPatches, fused) + one matmul, so forward and both gradients run as XNNPACK matmuls
 * on wasm instead of tfjs's scalar conv backward loops. Weights `kernel` (k, k, Cin, Cout) and `bias`
 * as tfl's Conv2D; without the fused kernels (other backends) it is tf.conv2d.
 */
export class VisionConv2D extends tfl.layers.Layer {
  static className = NAME;
  readonly opts: Required<Pick<VisionConvArgs, 'filters' | 'kernelSize' | 'strides' | 'activation' | 'seed'>>;
  private kernel: LayerVariable | null = null;
  private bias: LayerVariable | null = null;

  constructor(args: VisionConvArgs) {
    super(args ?? {});
    const int = (name: string, v: unknown) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${NAME}: option '${name}' must be an integer >= 1, received ${String(v)}`);
      return v;
    };
    const activation = args?.activation ?? 'linear';
    if (activation !== 'linear' && activation !== 'relu') throw new Error(`${NAME}: option 'activation' must be 'linear' or 'relu', received ${String(activation)}`);
    this.opts = { filters: int('filters', args?.filters), kernelSize: int('kernelSize', args?.kernelSize), strides: int('strides', args?.strides ?? 1), activation, seed: args?.seed ?? 0 };
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (s.length !== 4 || s[3] == null) throw new Error(`${NAME}: input must have shape (batch, H, W, C) with C known, received [${s.join(', ')}]`);
    const { filters: f, kernelSize: k, seed } = this.opts;
    const cin = s[3];
    const bound = 1 / Math.sqrt(k * k * cin);
    this.kernel = addValueWeight(this, 'kernel', [k, k, cin, f], uniformValues(k * k * cin * f, bound, subRng(seed, 1)));
    this.bias = addValueWeight(this, 'bias', [f], uniformValues(f, bound, subRng(seed, 2)));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const { filters: f, kernelSize: k, strides: st, activation } = this.opts;
    return tf.tidy(() => {
      const w = this.kernel!.read() as tf.Tensor4D;
      let y: tf.Tensor;
      if (fusedConvAvailable()) {
        const cols = extractPatches(x, k, st);
        y = linear(cols, tf.reshape(w, [k * k * (x.shape[3] as number), f]));
      } else {
        y = tf.conv2d(x, w, st, 'same');
      }
      y = tf.add(y, this.bias!.read());
      return activation === 'relu' ? tf.relu(y) : y;
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const st = this.opts.strides;
    const d = (n: number | null) => (n == null ? null : Math.ceil(n / st));
    return [s[0], d(s[1]), d(s[2]), this.opts.filters];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.opts };
  }
}
tf.serialization.registerClass(VisionConv2D, 'statespace');
