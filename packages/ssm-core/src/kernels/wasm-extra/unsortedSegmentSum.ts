import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { makeF32Output, readF32, readI32 } from '../hostIO';

/**
 * UnsortedSegmentSum for the wasm backend (tfjs uses it for the gradient of tf.gather, i.e. of
 * embedding lookups). out[s, ...] = Σ_{i: ids[i] = s} x[i, ...], where `ids` covers the leading
 * dims of x; ids outside [0, numSegments) are dropped, as on the cpu backend. One pass over x
 * (the cpu kernel does one masked sum per segment). float32 sums in float64; int32 exact.
 * Host-generic (cpu or wasm), so it can also replace the cpu kernel (fastCpu.ts).
 */
function makeI32Output(backend: KernelBackend, shape: number[], values: Int32Array): TensorInfo {
  const b = backend as unknown as {
    makeOutput?(s: number[], d: string): TensorInfo;
    typedArrayFromHeap?(t: TensorInfo): Int32Array;
    makeTensorInfo(s: number[], d: string, v: Int32Array): TensorInfo;
  };
  if (b.makeOutput && b.typedArrayFromHeap) {
    const out = b.makeOutput(shape, 'int32');
    b.typedArrayFromHeap(out).set(values);
    return out;
  }
  return b.makeTensorInfo(shape, 'int32', values);
}

export const unsortedSegmentSumWasm: KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be, attrs }) => {
    const backend = be as KernelBackend;
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const nIds = segmentIds.shape.reduce((p, q) => p * q, 1);
    const inner = nIds === 0 ? 0 : x.shape.reduce((p, q) => p * q, 1) / nIds;
    const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const ids = readI32(backend, segmentIds);
    const isInt = x.dtype === 'int32';
    const xv = isInt ? readI32(backend, x) : readF32(backend, x);
    const acc = isInt ? new Int32Array(numSegments * inner) : new Float64Array(numSegments * inner);
    for (let i = 0; i < nIds; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue;
      const o = s * inner;
      const xo = i * inner;
      for (let j = 0; j < inner; j++) acc[o + j] += xv[xo + j];
    }
    if (!isInt) return makeF32Output(backend, outShape, (out) => out.set(acc));
    return makeI32Output(backend, outShape, acc as Int32Array);
  },
};
