import * as tf from '@tensorflow/tfjs-core';

/** Geometry of a square k×k, stride-s, 'same'-padded conv over (B, H, W, C), as tfjs computes it. */
export interface ConvGeometry {
  B: number; H: number; W: number; C: number;
  k: number; s: number;
  Ho: number; Wo: number;
  top: number; left: number;
}

/** Checks the arguments (errors name the op and argument) and returns the conv geometry. */
export function convGeometry(op: string, x: tf.Tensor | number[], k: number, s: number): ConvGeometry {
  const shape = x instanceof tf.Tensor ? x.shape : x;
  if (x instanceof tf.Tensor && (x.rank !== 4 || x.dtype !== 'float32')) {
    throw new Error(`${op}: argument 'x' must be a float32 map (B, H, W, C), received shape [${x.shape.join(', ')}] dtype ${x.dtype}`);
  }
  if (!Array.isArray(shape) || shape.length !== 4) throw new Error(`${op}: argument 'x' must be a float32 map (B, H, W, C), received ${String(x)}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`${op}: 'kernelSize' must be an integer >= 1, received ${k}`);
  if (!Number.isInteger(s) || s < 1) throw new Error(`${op}: 'stride' must be an integer >= 1, received ${s}`);
  const [B, H, W, C] = shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo([B, H, W, C], [k, k, C, 1], [s, s], 1, 'same', undefined, true);
  return { B, H, W, C, k, s, Ho: info.outHeight, Wo: info.outWidth, top: info.padInfo.top, left: info.padInfo.left };
}
