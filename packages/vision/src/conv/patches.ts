import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { HOST_BACKENDS, makeF32Output, readF32 } from '@statespace/ssm-core';
import { fusedConvAvailable } from './depthwiseConv';
import { convGeometry, type ConvGeometry } from './geometry';
import { extractPatchesReference, foldPatchesReference } from './reference';

/**
 * im2col for dense k×k convs: extractPatches(x (B, H, W, C)) → (B, Ho, Wo, k·k·C), the k×k
 * neighbourhood of every output pixel ('same' zero padding, stride s) laid out as (ky, kx, c), so a
 * conv is one matmul with its kernel reshaped (k·k·C, Cout). Its adjoint foldPatches (col2im)
 * sums the patches back; each is the other's gradient. Why: on wasm, tfjs's conv backward
 * (Conv2DBackpropFilter/Input) runs as scalar JS loops, ~10× slower than this copy plus XNNPACK
 * matmuls. Reference twins: conv2d / conv2dTranspose with a one-hot filter (reference.ts).
 */
export const EXTRACT_PATCHES = 'VisionExtractPatches';
export const FOLD_PATCHES = 'VisionFoldPatches';

interface PatchAttrs { kernelSize: number; stride: number; inShape: number[] }

/** Calls f(inOffset, patchOffset) for every in-bounds (output pixel, tap); channel-0 offsets. */
function forEachPatchTap(g: ConvGeometry, f: (i: number, p: number) => void): void {
  const { B, H, W, C, k, s, Ho, Wo, top, left } = g;
  const kkc = k * k * C;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const p = ((b * Ho + oy) * Wo + ox) * kkc;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * s - top + ky;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * s - left + kx;
            if (ix >= 0 && ix < W) f(((b * H + iy) * W + ix) * C, p + (ky * k + kx) * C);
          }
        }
      }
    }
  }
}

const extractKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const { x } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as PatchAttrs;
  const g = convGeometry(EXTRACT_PATCHES, x.shape, a.kernelSize, a.stride);
  const C = g.C;
  return makeF32Output(be, [g.B, g.Ho, g.Wo, g.k * g.k * C], (out) => {
    const xv = readF32(be, x);
    forEachPatchTap(g, (i, p) => { for (let c = 0; c < C; c++) out[p + c] = xv[i + c]; });
  });
};

const foldKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const { cols } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as PatchAttrs;
  const g = convGeometry(FOLD_PATCHES, a.inShape, a.kernelSize, a.stride);
  const C = g.C;
  return makeF32Output(be, a.inShape, (dx) => {
    const cv = readF32(be, cols);
    forEachPatchTap(g, (i, p) => { for (let c = 0; c < C; c++) dx[i + c] += cv[p + c]; });
  });
};

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of HOST_BACKENDS) {
    if (tf.getKernel(EXTRACT_PATCHES, backendName) == null) tf.registerKernel({ kernelName: EXTRACT_PATCHES, backendName, kernelFunc: extractKernel });
    if (tf.getKernel(FOLD_PATCHES, backendName) == null) tf.registerKernel({ kernelName: FOLD_PATCHES, backendName, kernelFunc: foldKernel });
  }
  if (tf.getGradient(EXTRACT_PATCHES) == null) {
    tf.registerGradient({
      kernelName: EXTRACT_PATCHES,
      gradFunc: (dy, _saved, attrs) => ({ x: () => tf.engine().runKernel(FOLD_PATCHES, { cols: dy as tf.Tensor }, attrs) as tf.Tensor }),
    });
  }
  if (tf.getGradient(FOLD_PATCHES) == null) {
    tf.registerGradient({
      kernelName: FOLD_PATCHES,
      gradFunc: (dy, _saved, attrs) => ({ cols: () => tf.engine().runKernel(EXTRACT_PATCHES, { x: dy as tf.Tensor }, attrs) as tf.Tensor }),
    });
  }
}

/** (B, H, W, C) → (B, ⌈H/s⌉, ⌈W/s⌉, k·k·C): every output pixel's k×k neighbourhood ('same' zero padding). */
export function extractPatches(x: tf.Tensor, kernelSize: number, stride: number): tf.Tensor4D {
  convGeometry('extractPatches', x, kernelSize, stride);
  register();
  if (!fusedConvAvailable()) return extractPatchesReference(x, kernelSize, stride);
  const attrs: PatchAttrs = { kernelSize, stride, inShape: x.shape };
  return tf.engine().runKernel(EXTRACT_PATCHES, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** The adjoint of extractPatches: sums cols (B, Ho, Wo, k·k·C) back onto a map of shape inShape (B, H, W, C). */
export function foldPatches(cols: tf.Tensor, inShape: number[], kernelSize: number, stride: number): tf.Tensor4D {
  const g = convGeometry('foldPatches', inShape, kernelSize, stride);
  const want = [g.B, g.Ho, g.Wo, g.k * g.k * g.C];
  if (!(cols instanceof tf.Tensor) || cols.dtype !== 'float32' || cols.shape.join(',') !== want.join(',')) {
    const got = cols instanceof tf.Tensor ? `shape [${cols.shape.join(', ')}] dtype ${cols.dtype}` : String(cols);
    throw new Error(`foldPatches: argument 'cols' must be float32 of shape [${want.join(', ')}], received ${got}`);
  }
  register();
  if (!fusedConvAvailable()) return foldPatchesReference(cols, inShape, kernelSize, stride);
  const attrs: PatchAttrs = { kernelSize, stride, inShape };
  return tf.engine().runKernel(FOLD_PATCHES, { cols }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
