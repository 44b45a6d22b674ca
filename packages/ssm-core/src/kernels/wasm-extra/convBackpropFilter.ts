import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { makeF32Output, readF32 } from '../hostIO';

/**
 * Conv2DBackpropFilter (gradient of tf.conv2d w.r.t. the filter) for the wasm backend, which
 * lacks it. Fused loop over the heap views: dW[wR,wC,d1,d2] = Σ_{b,yR,yC} x[b,xR,xC,d1]·dy[b,yR,yC,d2],
 * scattered per output pixel so the two innermost loops run over contiguous channels (NHWC).
 * Accumulates in float64 like the cpu kernel (whose dot product is a JS number).
 */
export const conv2DBackpropFilterWasm: KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be, attrs }) => {
    const backend = be as KernelBackend;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const fmt = tf.backend_util.convertConv2DDataFormat(dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, fmt);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Element strides of x and dy for (batch, row, col, channel) in either layout.
    const nhwc = info.dataFormat === 'channelsLast';
    const xs = nhwc
      ? [inHeight * inWidth * inChannels, inWidth * inChannels, inChannels, 1]
      : [inChannels * inHeight * inWidth, inWidth, 1, inHeight * inWidth];
    const ys = nhwc
      ? [outHeight * outWidth * outChannels, outWidth * outChannels, outChannels, 1]
      : [outChannels * outHeight * outWidth, outWidth, 1, outHeight * outWidth];
    const xv = readF32(backend, x);
    const dyv = readF32(backend, dy);
    const acc = new Float64Array(fh * fw * inChannels * outChannels);
    for (let b = 0; b < batchSize; b++) {
      for (let yR = 0; yR < outHeight; yR++) {
        for (let yC = 0; yC < outWidth; yC++) {
          const dyOff = b * ys[0] + yR * ys[1] + yC * ys[2];
          for (let wR = 0; wR < fh; wR++) {
            const xR = yR * sh - top + wR;
            if (xR < 0 || xR >= inHeight) continue;
            for (let wC = 0; wC < fw; wC++) {
              const xC = yC * sw - left + wC;
              if (xC < 0 || xC >= inWidth) continue;
              const xOff = b * xs[0] + xR * xs[1] + xC * xs[2];
              const wOff = (wR * fw + wC) * inChannels * outChannels;
              for (let d1 = 0; d1 < inChannels; d1++) {
                const xval = xv[xOff + d1 * xs[3]];
                if (xval === 0) continue;
                const o = wOff + d1 * outChannels;
                for (let d2 = 0; d2 < outChannels; d2++) acc[o + d2] += xval * dyv[dyOff + d2 * ys[3]];
              }
            }
          }
        }
      }
    }
    return makeF32Output(backend, info.filterShape, (out) => out.set(acc));
  },
};
