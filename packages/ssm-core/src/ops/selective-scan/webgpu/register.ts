import type { KernelBackend, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { registerKernelOnce } from '../../../kernels/dispatch';
import { SELECTIVE_SCAN, SELECTIVE_SCAN_GRAD, SelectiveScanAttrs } from '../kernelNames';
import { ScanInfos, scanBackwardGpu, scanForwardGpu } from './scanPasses';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

function infos(inputs: NamedTensorInfoMap, a: SelectiveScanAttrs): ScanInfos {
  const get = (name: string): TensorInfo => {
    const t = inputs[name];
    if (!t) throw new Error(`${SELECTIVE_SCAN} (webgpu): missing kernel input '${name}'`);
    return t;
  };
  return {
    u: get('u'), delta: get('delta'), A: get('A'), B: get('B'), C: get('C'),
    D: a.hasD ? get('D') : undefined,
    z: a.hasZ ? get('z') : undefined,
    bias: a.hasBias ? get('deltaBias') : undefined,
    init: a.hasInit ? get('initialState') : undefined,
    seg: a.hasSeg ? get('segmentIds') : undefined,
    softplus: a.deltaSoftplus,
    reverse: a.reverse,
  };
}

const forwardKernel = ({ inputs, backend, attrs }: KernelArgs): TensorInfo[] => {
  const a = attrs as unknown as SelectiveScanAttrs;
  return scanForwardGpu(backend as KernelBackend, infos(inputs, a), a.returnLastState);
};

const gradKernel = ({ inputs, backend, attrs }: KernelArgs): TensorInfo[] => {
  const a = attrs as unknown as SelectiveScanAttrs;
  const dy = a.hasDy && inputs.dy ? inputs.dy : null;
  const dlast = a.hasDlast && inputs.dlast ? inputs.dlast : null;
  return scanBackwardGpu(backend as KernelBackend, infos(inputs, a), dy, dlast);
};

/**
 * Registers the WGSL selective scan for 'webgpu' under the op's kernel names; the gradient
 * config registered with the cpu kernels (which runs SELECTIVE_SCAN_GRAD) then dispatches here.
 */
export function registerSelectiveScanWebgpu(): void {
  registerKernelOnce({ kernelName: SELECTIVE_SCAN, backendName: 'webgpu', kernelFunc: forwardKernel as unknown as KernelFunc }, ['webgpu']);
  registerKernelOnce({ kernelName: SELECTIVE_SCAN_GRAD, backendName: 'webgpu', kernelFunc: gradKernel as unknown as KernelFunc }, ['webgpu']);
}
