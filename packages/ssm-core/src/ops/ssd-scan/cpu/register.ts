import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { HOST_BACKENDS, makeF32Output, readF32, readI32 } from '../../../kernels/hostIO';
import { registerGradientOnce, registerKernelOnce } from '../../../kernels/dispatch';
import { SSD_SCAN_GRAD_KERNEL, SSD_SCAN_KERNEL, SsdScanAttrs } from '../kernelNames';
import { SsdDims, SsdHostInputs, ssdBackwardHost, ssdForwardHost } from './ssdScanHost';

/**
 * Inputs arrive as an array (see kernelNames.ts). Everything is copied into host arrays before
 * any output is created: on wasm a later allocation can move the heap under our views.
 */
function readInputs(backend: KernelBackend, list: TensorInfo[], attrs: SsdScanAttrs): { inp: SsdHostInputs; dims: SsdDims; next: number } {
  const [x, dt, A, B, C] = list;
  const [Bt, L, H, P] = x.shape;
  const [, , G, N] = B.shape;
  const copy = (t: TensorInfo) => readF32(backend, t).slice();
  let k = 5;
  const inp: SsdHostInputs = {
    x: copy(x),
    dt: copy(dt),
    A: copy(A),
    B: copy(B),
    C: copy(C),
    dPerChannel: attrs.dPerChannel,
    softplus: attrs.dtSoftplus,
  };
  if (attrs.hasD) inp.D = copy(list[k++]);
  if (attrs.hasZ) inp.z = copy(list[k++]);
  if (attrs.hasDtBias) inp.dtBias = copy(list[k++]);
  if (attrs.hasInit) inp.init = copy(list[k++]);
  if (attrs.hasSeg) inp.seg = readI32(backend, list[k++]).slice();
  return { inp, dims: { Bt, L, H, P, G, N }, next: k };
}

function output(backend: KernelBackend, shape: number[], values: Float32Array): TensorInfo {
  return makeF32Output(backend, shape, (view) => view.set(values));
}

/** Registers the fused ssdScan kernels and gradient for the cpu and wasm backends. */
export function registerSsdScanKernels(): void {
  registerKernelOnce(
    {
      kernelName: SSD_SCAN_KERNEL,
      backendName: HOST_BACKENDS[0], // replaced per backend by registerKernelOnce
      kernelFunc: ({ inputs, backend: b, attrs }) => {
        const backend = b as KernelBackend;
        const a = attrs as unknown as SsdScanAttrs;
        const { inp, dims } = readInputs(backend, inputs as unknown as TensorInfo[], a);
        const { y, last } = ssdForwardHost(inp, dims, a.returnLastState);
        const { Bt, L, H, P, N } = dims;
        const yInfo = output(backend, [Bt, L, H, P], y);
        return last ? [yInfo, output(backend, [Bt, H, P, N], last)] : yInfo;
      },
    },
    HOST_BACKENDS,
  );

  registerKernelOnce(
    {
      kernelName: SSD_SCAN_GRAD_KERNEL,
      backendName: HOST_BACKENDS[0],
      kernelFunc: ({ inputs, backend: b, attrs }) => {
        const backend = b as KernelBackend;
        const a = attrs as unknown as SsdScanAttrs & { hasDLast: boolean };
        const list = inputs as unknown as TensorInfo[];
        const { inp, dims, next } = readInputs(backend, list, a);
        const dy = readF32(backend, list[next]).slice();
        const dLast = a.hasDLast ? readF32(backend, list[next + 1]).slice() : undefined;
        const g = ssdBackwardHost(inp, dims, dy, dLast);
        const shapeOf = (i: number) => list[i].shape;
        const outs = [g.dx, g.ddt, g.dA, g.dB, g.dC];
        if (a.hasD) outs.push(g.dD as Float32Array);
        if (a.hasZ) outs.push(g.dz as Float32Array);
        if (a.hasDtBias) outs.push(g.dDtBias as Float32Array);
        if (a.hasInit) outs.push(g.dInit as Float32Array);
        // segmentIds (int32, last input) get no gradient kernel output: the gradFunc gives zeros.
        return outs.map((v, i) => output(backend, shapeOf(i), v));
      },
    },
    HOST_BACKENDS,
  );

  registerGradientOnce({
    kernelName: SSD_SCAN_KERNEL,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as SsdScanAttrs;
      const [dyY, dLast] = Array.isArray(dy) ? dy : [dy];
      const inputs = [...saved, dyY];
      if (dLast) inputs.push(dLast);
      const grads = tf.engine().runKernel(SSD_SCAN_GRAD_KERNEL, inputs as unknown as tf.NamedTensorMap, {
        ...a,
        hasDLast: dLast != null,
      }) as tf.Tensor[];
      const map: Record<string, () => tf.Tensor> = {};
      saved.forEach((t, i) => (map[String(i)] = i < grads.length ? () => grads[i] : () => tf.zerosLike(t)));
      return map;
    },
  });
}
