import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { HOST_BACKENDS, makeF32Output, readF32 } from '@statespace/ssm-core';
import { convGeometry, type ConvGeometry } from './geometry';

/**
 * Depthwise k×k conv ('same' padding, stride s) of channels-last maps whose two gradients are fused
 * kernels. Why by hand: on wasm, tfjs has no depthwise backward kernels and the generic ones ssm-core
 * adds took ~45 % of a VMamba-micro training step; these loops run channels innermost (contiguous
 * in NHWC) and skip padding by bounds. The forward is the backend's own kernel (XNNPACK on wasm).
 * Reference twin: tf.depthwiseConv2d (tfjs's own gradients).
 */
export const DW_FORWARD = 'VisionDepthwiseConv';
export const DW_BACK_INPUT = 'VisionDepthwiseConvBackpropInput';
export const DW_BACK_FILTER = 'VisionDepthwiseConvBackpropFilter';

interface DwAttrs { stride: number; inShape: number[] }

/**
 * The two backward passes share one loop nest over (output pixel, tap); `mode` picks the inner
 * update (a branch per tap, not per element, so the channel loop stays tight).
 * 0: dx[i+c] += dy[o+c]·w[t+c]   1: dw[t+c] += dy[o+c]·x[i+c]
 */
function backward(g: ConvGeometry, mode: 0 | 1, dy: Float32Array, other: Float32Array, out: Float32Array | Float64Array): void {
  const { B, H, W, C, k, s, Ho, Wo, top, left } = g;
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const o = ((b * Ho + oy) * Wo + ox) * C;
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * s - top + ky;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * s - left + kx;
            if (ix < 0 || ix >= W) continue;
            const i = ((b * H + iy) * W + ix) * C;
            const t = (ky * k + kx) * C;
            if (mode === 0) for (let c = 0; c < C; c++) out[i + c] += dy[o + c] * other[t + c];
            else for (let c = 0; c < C; c++) out[t + c] += dy[o + c] * other[i + c];
          }
        }
      }
    }
  }
}

function geometryOf(inShape: number[], wShape: number[], stride: number): ConvGeometry {
  return convGeometry(DW_FORWARD, inShape, wShape[0], stride);
}

/** Forward: the backend's own DepthwiseConv2dNative (XNNPACK on wasm is fast; only its backward is missing/slow). */
const forwardKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, w } = inputs as Record<string, TensorInfo>;
  const native = tf.getKernel(tf.DepthwiseConv2dNative, tf.getBackend());
  if (native == null) throw new Error(`depthwiseConv: backend '${tf.getBackend()}' has no DepthwiseConv2dNative kernel`);
  const stride = (attrs as unknown as DwAttrs).stride;
  const nativeAttrs = { strides: [stride, stride], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
  return native.kernelFunc({ inputs: { x, filter: w }, backend, attrs: nativeAttrs }) as TensorInfo;
};

const backInputKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const { dy, w } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as DwAttrs;
  const g = geometryOf(a.inShape, w.shape, a.stride);
  return makeF32Output(be, a.inShape, (dx) => backward(g, 0, readF32(be, dy), readF32(be, w), dx));
};

const backFilterKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const { x, dy } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as DwAttrs & { kernelSize: number };
  const g = convGeometry(DW_FORWARD, x.shape, a.kernelSize, a.stride);
  const acc = new Float64Array(g.k * g.k * g.C); // sums over B·Ho·Wo terms: accumulate in double
  backward(g, 1, readF32(be, dy), readF32(be, x), acc);
  return makeF32Output(be, [g.k, g.k, g.C, 1], (dw) => dw.set(acc));
};

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of HOST_BACKENDS) {
    if (tf.getKernel(DW_FORWARD, backendName) == null) tf.registerKernel({ kernelName: DW_FORWARD, backendName, kernelFunc: forwardKernel });
    if (tf.getKernel(DW_BACK_INPUT, backendName) == null) tf.registerKernel({ kernelName: DW_BACK_INPUT, backendName, kernelFunc: backInputKernel });
    if (tf.getKernel(DW_BACK_FILTER, backendName) == null) tf.registerKernel({ kernelName: DW_BACK_FILTER, backendName, kernelFunc: backFilterKernel });
  }
  if (tf.getGradient(DW_FORWARD) == null) {
    tf.registerGradient({
      kernelName: DW_FORWARD,
      inputsToSave: ['x', 'w'],
      gradFunc: (dy, saved, attrs) => {
        const [x, w] = saved;
        const stride = (attrs as unknown as DwAttrs).stride;
        return {
          // stride 1, odd k ('same' padding symmetric): dx is the same conv of dy with the kernel
          // rotated 180°, which runs as the backend's native (XNNPACK) depthwise conv
          x: () => (stride === 1 && (w.shape[0] as number) % 2 === 1
            ? tf.depthwiseConv2d(dy as tf.Tensor4D, tf.reverse(w, [0, 1]) as tf.Tensor4D, 1, 'same')
            : tf.engine().runKernel(DW_BACK_INPUT, { dy: dy as tf.Tensor, w }, { stride, inShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor),
          w: () => tf.engine().runKernel(DW_BACK_FILTER, { x, dy: dy as tf.Tensor }, { stride, kernelSize: w.shape[0] } as unknown as tf.NamedAttrMap) as tf.Tensor,
        };
      },
    });
  }
}

/** True when the fused kernels run on the active backend (else the reference twin). */
export function fusedConvAvailable(): boolean {
  register();
  return process.env.STATESPACE_FORCE_REFERENCE !== '1' && tf.getKernel(DW_FORWARD, tf.getBackend()) != null;
}

/** Depthwise conv of x (B, H, W, C) with w (k, k, C, 1), 'same' padding, stride s → (B, ⌈H/s⌉, ⌈W/s⌉, C). */
export function depthwiseConv(x: tf.Tensor, w: tf.Tensor, stride = 1): tf.Tensor4D {
  const k = w instanceof tf.Tensor ? (w.shape[0] as number) : NaN;
  const g = convGeometry('depthwiseConv', x, k, stride);
  if (!(w instanceof tf.Tensor) || w.rank !== 4 || w.shape[1] !== k || w.shape[2] !== g.C || w.shape[3] !== 1) {
    const got = w instanceof tf.Tensor ? `shape [${w.shape.join(', ')}]` : String(w);
    throw new Error(`depthwiseConv: argument 'w' must have shape (k, k, C=${g.C}, 1), received ${got}`);
  }
  if (!fusedConvAvailable()) return tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'same');
  return tf.engine().runKernel(DW_FORWARD, { x, w }, { stride } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
