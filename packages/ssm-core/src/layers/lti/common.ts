import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { mulberry32, type Rng } from '../../train/seed';
import { linear } from '../../ops/linear/linear';
import { fmtShape } from '../../util/validate';

/** Option and input checks shared by the LTI layers; errors name the layer, the option, expected and received. */
export function checkPositiveInt(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`${layer}: option '${name}' must be an integer >= 1, received ${String(v)}`);
  }
  return v;
}

export function checkEvenInt(layer: string, name: string, v: unknown): number {
  checkPositiveInt(layer, name, v);
  if ((v as number) % 2 !== 0) {
    throw new Error(`${layer}: option '${name}' must be an even integer >= 2 (N/2 complex modes, conjugates implied), received ${String(v)}`);
  }
  return v as number;
}

export function checkRate(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new Error(`${layer}: option '${name}' must be a number in [0, 1), received ${String(v)}`);
  }
  return v;
}

export function checkOneOf<T extends string>(layer: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new Error(`${layer}: option '${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, received ${JSON.stringify(v)}`);
  }
  return v as T;
}

export function checkDtRange(layer: string, dtMin: unknown, dtMax: unknown): void {
  const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;
  if (!ok(dtMin) || !ok(dtMax) || !((dtMin as number) <= (dtMax as number))) {
    throw new Error(`${layer}: options 'dtMin' <= 'dtMax' must be finite numbers > 0, received dtMin=${String(dtMin)}, dtMax=${String(dtMax)}`);
  }
}

/** The seed to store in the config: the given integer, or a fresh random one (so a saved model re-inits alike). */
export function resolveSeed(layer: string, seed: unknown): number {
  if (seed == null) return Math.floor(Math.random() * 2 ** 31);
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new Error(`${layer}: option 'seed' must be an integer, received ${String(seed)}`);
  }
  return seed;
}

/** Checks a (batch, L, H) input; returns [batch, L]. */
export function checkInput(layer: string, x: tf.Tensor, H: number): [number, number] {
  if (x.rank !== 3 || x.shape[2] !== H) {
    throw new Error(`${layer}: input must have shape (batch, L, H=${H}), received shape ${fmtShape(x.shape)}`);
  }
  return [x.shape[0] as number, x.shape[1] as number];
}

/**
 * The call input of an LTI layer: x (batch, L, H) checked against H, with padded tokens zeroed by
 * its mask (kwargs.mask) and the mask as a (batch, L, 1) factor `m` (null without a mask).
 */
export function maskedInput(layer: string, inputs: tf.Tensor | tf.Tensor[], mask: unknown, H: number): { x: tf.Tensor; m: tf.Tensor | null; batch: number; L: number } {
  const x0 = Array.isArray(inputs) ? inputs[0] : inputs;
  const [batch, L] = checkInput(layer, x0, H);
  const m = maskFactor(mask, batch, L, layer);
  return { x: m ? tf.mul(x0, m) : x0, m, batch, L };
}

/** Input width from a build shape; checks the rank and, when given, d_model. */
export function buildWidth(layer: string, inputShape: tfl.Shape | tfl.Shape[], dModel?: number): number {
  const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
  const H = shape[shape.length - 1];
  if (shape.length !== 3 || H == null) {
    throw new Error(`${layer}: input must have shape (batch, L, H), received shape [${shape.map(String).join(', ')}]`);
  }
  if (dModel != null && H !== dModel) {
    throw new Error(`${layer}: input must have last dimension d_model=${dModel}, received shape [${shape.map(String).join(', ')}]`);
  }
  return H;
}

/** (batch, L) padding mask (1 = token, 0 = pad) as float (batch, L, 1), or null. */
export function maskFactor(mask: unknown, batch: number, L: number, layer: string): tf.Tensor | null {
  if (mask == null) return null;
  const m = (Array.isArray(mask) ? mask[0] : mask) as tf.Tensor | null;
  if (m == null) return null;
  if (m.rank !== 2 || m.shape[0] !== batch || m.shape[1] !== L) {
    throw new Error(`${layer}: mask must have shape (batch=${batch}, L=${L}), received shape ${fmtShape(m.shape)}`);
  }
  return tf.reshape(tf.cast(m, 'float32'), [batch, L, 1]);
}

/** Exact (erf) GELU, as torch.nn.GELU. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}

/** Inverted dropout with a mask from the layer's own seeded stream (deterministic on every backend). */
export function dropout(x: tf.Tensor, rate: number, rng: Rng): tf.Tensor {
  if (rate === 0) return x;
  const keep = 1 - rate;
  const m = new Float32Array(x.size);
  for (let i = 0; i < m.length; i++) m[i] = rng() < keep ? 1 / keep : 0;
  return tf.tidy(() => tf.mul(x, tf.tensor(m, x.shape)));
}

/** y = GLU(x W + b) = a ⊙ sigmoid(g), [a, g] = split(x W + b, 2) on the last axis; x (..., H), W (H, 2H). */
export function linearGlu(x: tf.Tensor, W: LayerVariable, b: LayerVariable): tf.Tensor {
  return tf.tidy(() => {
    const H = x.shape[x.rank - 1];
    const z = tf.add(linear(tf.reshape(x, [-1, H]), W.read()), b.read());
    const [a, g] = tf.split(z, 2, 1);
    return tf.reshape(tf.mul(a, tf.sigmoid(g)), x.shape);
  });
}

/** A built weight's shape as numbers. */
export function dimsOf(v: LayerVariable): number[] {
  return v.shape.map((d) => d as number);
}

/** Glorot-uniform (H_in, H_out) values from a seeded stream, for the output projection. */
export function glorot(rows: number, cols: number, rng: Rng): Float32Array {
  const lim = Math.sqrt(6 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng() - 1) * lim;
  return out;
}

/**
 * Adds a weight and writes given initial values (the SSM inits are exact arrays, seeded in JS so
 * the same on every backend, not distributions), optionally frozen.
 */
export function addValueWeight(layer: tfl.layers.Layer, name: string, shape: number[], values: ArrayLike<number>, trainable = true): LayerVariable {
  const w = (layer as unknown as { addWeight: AddWeight }).addWeight(name, shape, 'float32', tfl.initializers.zeros(), undefined, trainable);
  const t = tf.tensor(Float32Array.from(values), shape, 'float32');
  w.write(t);
  t.dispose();
  return w;
}
type AddWeight = (name: string, shape: number[], dtype: 'float32', init: ReturnType<typeof tfl.initializers.zeros>, regularizer?: unknown, trainable?: boolean) => LayerVariable;

/** Independent, reproducible sub-streams of one layer seed (init values, dropout masks, ...). */
export function subRng(seed: number, stream: number): Rng {
  return mulberry32((seed * 2654435761 + stream * 40503) >>> 0);
}

/** Standard normal from a stream (Box–Muller). */
export function gauss(rng: Rng): number {
  const u1 = 1 - rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng());
}
