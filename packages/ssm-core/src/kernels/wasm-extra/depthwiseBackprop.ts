import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { makeF32Output, readF32 } from '../hostIO';

/**
 * DepthwiseConv2dNativeBackpropInput / ...BackpropFilter (the gradients of tf.depthwiseConv2d) for
 * the wasm backend, which lacks both. NHWC only (as tfjs's depthwise conv). Both are one scatter
 * loop over (batch, output pixel, filter tap); the forward relation is
 *   y[b,yR,yC,d1·M+m] = Σ_{wR,wC} x[b, yR·sh − top + wR·dh, yC·sw − left + wC·dw, d1] · w[wR,wC,d1,m],
 * so dilations are handled exactly (tfjs's gradient itself only allows dilation 1). Float64 sums.
 */
type DwAttrs = tf.DepthwiseConv2dNativeBackpropInputAttrs & tf.DepthwiseConv2dNativeBackpropFilterAttrs;

interface Tap { b: number; yOff: number; xOff: number; tap: number }

/** Calls `visit` for every (batch, output pixel, in-bounds filter tap) of the convolution. */
function forEachTap(info: tf.backend_util.Conv2DInfo, visit: (t: Tap) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const t: Tap = { b: 0, yOff: 0, xOff: 0, tap: 0 };
  for (let b = 0; b < batchSize; b++) {
    t.b = b;
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        t.yOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
        for (let wR = 0; wR < fh; wR++) {
          const xR = yR * sh - top + wR * dh;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < fw; wC++) {
            const xC = yC * sw - left + wC * dw;
            if (xC < 0 || xC >= inWidth) continue;
            t.xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            t.tap = wR * fw + wC;
            visit(t);
          }
        }
      }
    }
  }
}

function convInfo(inShape: number[], filterShape: number[], a: DwAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, true);
}

export const depthwiseBackpropInputWasm: KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be, attrs }) => {
    const backend = be as KernelBackend;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as DwAttrs;
    const info = convInfo(a.inputShape, filter.shape, a);
    const C = info.inChannels;
    const M = info.outChannels / C;
    const dyv = readF32(backend, dy);
    const wv = readF32(backend, filter);
    const acc = new Float64Array(info.inShape.reduce((p, q) => p * q, 1));
    forEachTap(info, ({ yOff, xOff, tap }) => {
      const wOff = tap * C * M;
      for (let d1 = 0; d1 < C; d1++) {
        let s = 0;
        for (let m = 0; m < M; m++) s += dyv[yOff + d1 * M + m] * wv[wOff + d1 * M + m];
        acc[xOff + d1] += s;
      }
    });
    return makeF32Output(backend, info.inShape, (out) => out.set(acc));
  },
};

export const depthwiseBackpropFilterWasm: KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be, attrs }) => {
    const backend = be as KernelBackend;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as DwAttrs;
    const info = convInfo(x.shape, a.filterShape, a);
    const C = info.inChannels;
    const M = info.outChannels / C;
    const xv = readF32(backend, x);
    const dyv = readF32(backend, dy);
    const acc = new Float64Array(info.filterHeight * info.filterWidth * C * M);
    forEachTap(info, ({ yOff, xOff, tap }) => {
      const wOff = tap * C * M;
      for (let d1 = 0; d1 < C; d1++) {
        const xval = xv[xOff + d1];
        for (let m = 0; m < M; m++) acc[wOff + d1 * M + m] += xval * dyv[yOff + d1 * M + m];
      }
    });
    return makeF32Output(backend, info.filterShape, (out) => out.set(acc));
  },
};
