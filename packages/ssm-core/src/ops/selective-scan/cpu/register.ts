import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { HOST_BACKENDS, makeF32Output, readF32, readI32 } from '../../../kernels/hostIO';
import { registerGradientOnce, registerKernelOnce } from '../../../kernels/dispatch';
import { OPTIONAL_INPUTS, SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD, SelectiveScanAttrs } from '../kernelNames';
import { ScanDims, scanDimsOf } from '../scanDims';
import { ScanInputs, scanBackward, scanForward } from './scanHost';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

const INPUTS = ['u', 'delta', 'A', 'B', 'C', ...OPTIONAL_INPUTS] as const;

/**
 * The kernel inputs as host arrays: views, valid only until the next tfjs allocation (on wasm),
 * so the host copies them into its arena before any output is created.
 */
function hostInputs(backend: KernelBackend, inputs: NamedTensorInfoMap, a: SelectiveScanAttrs): { d: ScanDims; inp: ScanInputs } {
  const get = (name: string): TensorInfo => {
    const t = inputs[name];
    if (!t) throw new Error(`${SELECTIVE_SCAN}: missing kernel input '${name}'`);
    return t;
  };
  const f = (name: string) => readF32(backend, get(name));
  return {
    d: scanDimsOf(get('u'), get('A'), get('B')),
    inp: {
      u: f('u'),
      delta: f('delta'),
      A: f('A'),
      B: f('B'),
      C: f('C'),
      Dv: a.hasD ? f('D') : undefined,
      z: a.hasZ ? f('z') : undefined,
      bias: a.hasBias ? f('deltaBias') : undefined,
      init: a.hasInit ? f('initialState') : undefined,
      seg: a.hasSeg ? readI32(backend, get('segmentIds')) : undefined,
      softplus: a.deltaSoftplus,
      reverse: a.reverse,
    },
  };
}

function forwardKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const a = attrs as unknown as SelectiveScanAttrs;
  const kb = backend as KernelBackend;
  const { d, inp } = hostInputs(kb, inputs, a);
  const outs: TensorInfo[] = [];
  scanForward(d, inp, a.returnLastState, (y, last) => {
    outs.push(makeF32Output(kb, [d.Bt, d.D, d.L], (v) => v.set(y)));
    if (last) outs.push(makeF32Output(kb, [d.Bt, d.D, d.N], (v) => v.set(last)));
  });
  return outs;
}

function gradKernel({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const a = attrs as unknown as SelectiveScanAttrs;
  const kb = backend as KernelBackend;
  const { d, inp } = hostInputs(kb, inputs, a);
  const dy = a.hasDy && inputs.dy ? readF32(kb, inputs.dy) : null;
  const dlast = a.hasDlast && inputs.dlast ? readF32(kb, inputs.dlast) : null;
  const outs: TensorInfo[] = [];
  const out = (shape: number[], src: Float32Array | null) =>
    outs.push(makeF32Output(kb, src ? shape : [], (v) => (src ? v.set(src) : v.fill(0))));
  scanBackward(d, inp, dy, dlast, (g) => {
    const bc = inputs.B?.shape ?? [];
    out([d.Bt, d.D, d.L], g.du);
    out([d.Bt, d.D, d.L], g.ddelta);
    out([d.D, d.N], g.dA);
    out(bc, g.dB);
    out(bc, g.dC);
    out([d.D], a.hasD ? g.dD : null);
    out([d.Bt, d.D, d.L], g.dz);
    out([d.D], a.hasBias ? g.dbias : null);
    out([d.Bt, d.D, d.N], g.dinit);
  });
  return outs;
}

/** Registers the fused selectiveScan kernels and gradient for the cpu and wasm backends. */
export function registerSelectiveScanKernels(): void {
  // backendName is required by tf.KernelConfig's type; registerKernelOnce sets it per backend.
  registerKernelOnce({ kernelName: SELECTIVE_SCAN, backendName: 'cpu', kernelFunc: forwardKernel as unknown as tf.KernelFunc }, HOST_BACKENDS);
  registerKernelOnce({ kernelName: SELECTIVE_SCAN_GRAD, backendName: 'cpu', kernelFunc: gradKernel as unknown as tf.KernelFunc }, HOST_BACKENDS);
  registerGradientOnce({
    kernelName: SELECTIVE_SCAN,
    inputsToSave: [...INPUTS],
    gradFunc: (dys, saved, attrs) => {
      const a = attrs as unknown as SelectiveScanAttrs;
      const list = (Array.isArray(dys) ? dys : [dys]) as (tf.Tensor | null)[];
      const dy = list[0];
      const dlast = a.returnLastState ? list[1] : null;
      const inputs: Record<string, tf.Tensor> = {};
      INPUTS.forEach((name, i) => (inputs[name] = saved[i] as tf.Tensor));
      if (dy) inputs.dy = dy;
      if (dlast) inputs.dlast = dlast;
      const g = tf.engine().runKernel(SELECTIVE_SCAN_GRAD, inputs as unknown as tf.NamedTensorMap, {
        ...a, hasDy: dy != null, hasDlast: dlast != null,
      } as unknown as NamedAttrMap) as tf.Tensor[];
      const seg = saved[INPUTS.indexOf('segmentIds')] as tf.Tensor;
      return {
        u: () => g[0], delta: () => g[1], A: () => g[2], B: () => g[3], C: () => g[4],
        D: () => g[5], z: () => g[6], deltaBias: () => g[7], initialState: () => g[8],
        segmentIds: () => tf.zeros(seg.shape, "float32"),
      };
    },
  });
}
