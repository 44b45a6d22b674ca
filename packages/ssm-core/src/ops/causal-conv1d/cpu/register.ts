import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { registerGradientOnce, registerKernelOnce } from '../../../kernels/dispatch';
import { HOST_BACKENDS, makeF32Output, readF32, readI32 } from '../../../kernels/hostIO';
import { CAUSAL_CONV1D_GRAD_KERNEL, CAUSAL_CONV1D_KERNEL, CausalConv1dAttrs } from '../kernelNames';
import { convBackward, convForward, ConvProblem, ConvGrads } from './hostKernels';

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`${CAUSAL_CONV1D_KERNEL}: missing kernel input '${name}'`);
  return t;
}

/**
 * Reads the kernel inputs (views: call only after every output of the call has been created,
 * since a wasm allocation invalidates them). Inputs the caller did not supply are skipped.
 */
function readProblem(backend: KernelBackend, inputs: NamedTensorInfoMap, attrs: CausalConv1dAttrs): ConvProblem {
  const x = input(inputs, 'x');
  const weight = input(inputs, 'weight');
  const [batch, dim, len] = x.shape as [number, number, number];
  const width = weight.shape[1] as number;
  return {
    batch, dim, len, width,
    silu: attrs.activation === 'silu',
    x: readF32(backend, x),
    weight: readF32(backend, weight),
    bias: attrs.hasBias ? readF32(backend, input(inputs, 'bias')) : undefined,
    segmentIds: attrs.hasSegments && len > 1 ? readI32(backend, input(inputs, 'segmentIds')) : undefined,
    state: attrs.hasState && width > 1 ? readF32(backend, input(inputs, 'initialConvState')) : undefined,
  };
}

const forwardKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const a = attrs as unknown as CausalConv1dAttrs;
  const shape = input(inputs, 'x').shape.slice();
  // empty x: nothing to read (a view of an empty wasm tensor may have no heap offset)
  if (shape.includes(0)) return makeF32Output(be, shape, () => undefined);
  return makeF32Output(be, shape, (y) => convForward(readProblem(be, inputs, a), y));
};

/** Outputs [dx, dweight, dbias, dinitialConvState]. */
const gradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const a = attrs as unknown as CausalConv1dAttrs;
  const x = input(inputs, 'x');
  const weight = input(inputs, 'weight');
  const initialConvState = input(inputs, 'initialConvState');
  const [batch, dim, len] = x.shape as [number, number, number];
  const width = weight.shape[1] as number;
  let g: ConvGrads = { weight: new Float32Array(dim * width), bias: new Float32Array(dim), state: new Float32Array(batch * dim * (width - 1)) };
  const dx = makeF32Output(be, x.shape.slice(), (view) => {
    if (batch * dim * len > 0) g = convBackward(readProblem(be, inputs, a), readF32(be, input(inputs, 'dy')), view);
  });
  const dW = makeF32Output(be, weight.shape.slice(), (v) => v.set(g.weight));
  const dB = makeF32Output(be, [weight.shape[0] as number], (v) => v.set(g.bias));
  const dSt = makeF32Output(be, initialConvState.shape.slice(), (v) => v.set(g.state));
  return [dx, dW, dB, dSt];
};

/** Registers the fused causalConv1d kernels and gradient for the cpu and wasm backends. */
export function registerCausalConv1dKernels(): void {
  // backendName is replaced per backend by registerKernelOnce (tf.KernelConfig requires one).
  const backendName = HOST_BACKENDS[0];
  registerKernelOnce({ kernelName: CAUSAL_CONV1D_KERNEL, backendName, kernelFunc: forwardKernel }, HOST_BACKENDS);
  registerKernelOnce({ kernelName: CAUSAL_CONV1D_GRAD_KERNEL, backendName, kernelFunc: gradKernel }, HOST_BACKENDS);
  registerGradientOnce({
    kernelName: CAUSAL_CONV1D_KERNEL,
    inputsToSave: ['x', 'weight', 'bias', 'segmentIds', 'initialConvState'],
    gradFunc: (dy, saved, attrs) => {
      const [x, weight, bias, segmentIds, initialConvState] = saved;
      const grads = tf.engine().runKernel(
        CAUSAL_CONV1D_GRAD_KERNEL,
        { dy: dy as tf.Tensor, x, weight, bias, segmentIds, initialConvState },
        attrs,
      ) as tf.Tensor[];
      return {
        x: () => grads[0],
        weight: () => grads[1],
        bias: () => grads[2],
        segmentIds: () => tf.zeros(segmentIds.shape), // ids are not differentiable; tfjs wants a float zero
        initialConvState: () => grads[3],
      };
    },
  });
}
