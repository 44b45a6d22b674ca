import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { registerGradientOnce, registerKernelOnce } from '../../../kernels/dispatch';
import { HOST_BACKENDS, makeF32Output, readF32, readI32 } from '../../../kernels/hostIO';
import { checkIndexRange } from '../indexCheck';
import { GATHER_SEGMENT_SUM_KERNEL, GATHER_SEGMENT_SUM_WEIGHT_GRAD_KERNEL, GatherSegmentSumAttrs } from '../kernelNames';
import { propagateRows, weightGrad } from './hostKernels';

const OP = 'gatherSegmentSum';

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`${GATHER_SEGMENT_SUM_KERNEL}: missing kernel input '${name}'`);
  return t;
}

/** Inputs: h (R, d), src (E), dst (E), weight; output (numSegments, d). Reads inputs inside the fill (wasm views). */
const forwardKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const a = attrs as unknown as GatherSegmentSumAttrs;
  const h = input(inputs, 'h');
  const [rows, d] = h.shape as [number, number];
  return makeF32Output(be, [a.numSegments, d], (out) => {
    const src = readI32(be, input(inputs, 'src'));
    const dst = readI32(be, input(inputs, 'dst'));
    checkIndexRange(OP, 'src', src, rows, 'rows of h');
    checkIndexRange(OP, 'dst', dst, a.numSegments, 'numSegments');
    if (src.length === 0 || d === 0) return;
    const w = a.weightMode === 'none' ? new Float32Array(0) : readF32(be, input(inputs, 'weight'));
    propagateRows(readF32(be, h), src, dst, w, a.weightMode, d, out);
  });
};

/** Inputs: dy (numSegments, d), h, src, dst; output dw, shaped like the weight (E) or (E, d). */
const weightGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const a = attrs as unknown as GatherSegmentSumAttrs;
  const h = input(inputs, 'h');
  const edges = input(inputs, 'src').shape[0] as number;
  const d = h.shape[1] as number;
  const shape = a.weightMode === 'channel' ? [edges, d] : [edges];
  return makeF32Output(be, shape, (dw) => {
    if (edges === 0 || d === 0) return;
    weightGrad(readF32(be, h), readI32(be, input(inputs, 'src')), readI32(be, input(inputs, 'dst')), readF32(be, input(inputs, 'dy')), a.weightMode, d, dw);
  });
};

let registered = false;
/** Registers the fused gatherSegmentSum kernels and gradient for the cpu and wasm backends (idempotent). */
export function registerGatherSegmentSumKernels(): void {
  if (registered) return;
  registered = true;
  const backendName = HOST_BACKENDS[0];
  registerKernelOnce({ kernelName: GATHER_SEGMENT_SUM_KERNEL, backendName, kernelFunc: forwardKernel }, HOST_BACKENDS);
  registerKernelOnce({ kernelName: GATHER_SEGMENT_SUM_WEIGHT_GRAD_KERNEL, backendName, kernelFunc: weightGradKernel }, HOST_BACKENDS);
  registerGradientOnce({
    kernelName: GATHER_SEGMENT_SUM_KERNEL,
    inputsToSave: ['h', 'src', 'dst', 'weight'],
    gradFunc: (dy, saved, attrs) => {
      const [h, src, dst, weight] = saved;
      const a = attrs as unknown as GatherSegmentSumAttrs;
      const g = dy as tf.Tensor;
      return {
        // dh[src[e]] += w[e] · dy[dst[e]]: the same propagation with the edges reversed.
        h: () => tf.engine().runKernel(GATHER_SEGMENT_SUM_KERNEL, { h: g, src: dst, dst: src, weight },
          { numSegments: h.shape[0], weightMode: a.weightMode } as unknown as tf.NamedAttrMap) as tf.Tensor,
        weight: () => (a.weightMode === 'none' ? tf.zerosLike(weight)
          : tf.engine().runKernel(GATHER_SEGMENT_SUM_WEIGHT_GRAD_KERNEL, { dy: g, h, src, dst }, attrs) as tf.Tensor),
        // indices are not differentiable; tfjs wants a float zero
        src: () => tf.zeros(src.shape),
        dst: () => tf.zeros(dst.shape),
      };
    },
  });
}
