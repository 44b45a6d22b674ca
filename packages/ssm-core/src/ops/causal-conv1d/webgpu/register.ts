import type { KernelBackend, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { registerKernelOnce } from '../../../kernels/dispatch';
import { copyRows, sumAxes02 } from '../../../kernels/webgpu/commonPrograms';
import { treeReduce } from '../../../kernels/webgpu/treeReduce';
import { disposeInfos, runWgsl } from '../../../kernels/webgpu/wgslProgram';
import { CAUSAL_CONV1D_GRAD_KERNEL, CAUSAL_CONV1D_KERNEL, CausalConv1dAttrs } from '../kernelNames';
import { ConvFlags, convForward, convGradWeight, convGradXpad, convGradZ, convKey } from './convShaders';

function setup(inputs: NamedTensorInfoMap, a: CausalConv1dAttrs) {
  const get = (n: string): TensorInfo => {
    const t = inputs[n];
    if (!t) throw new Error(`${CAUSAL_CONV1D_KERNEL} (webgpu): missing kernel input '${n}'`);
    return t;
  };
  const x = get('x');
  const w = get('weight');
  const [Bt, D, L] = x.shape as [number, number, number];
  const W = w.shape[1] as number;
  const f: ConvFlags = { W, seg: a.hasSegments && L > 1, state: a.hasState && W > 1, bias: a.hasBias, silu: a.activation === 'silu' };
  // Inputs the shader reads (preAct names w, bias, st, seg as the flags say).
  const named: [string, TensorInfo][] = [['x', x], ['w', w]];
  if (f.bias) named.push(['bias', get('bias')]);
  if (f.state) named.push(['st', get('initialConvState')]);
  if (f.seg) named.push(['seg', get('segmentIds')]);
  return { x, w, Bt, D, L, W, f, named, uniforms: { Bt, D, L } };
}

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const s = setup(inputs, attrs as unknown as CausalConv1dAttrs);
  return runWgsl(backend as KernelBackend, {
    name: 'ccForward', key: convKey(s.f), outputShape: s.x.shape.slice(), inputs: s.named.map((e) => e[1]), variableNames: s.named.map((e) => e[0]),
    threads: s.Bt * s.D * s.L, uniforms: s.uniforms, body: convForward(s.f),
  });
};

/** Outputs [dx, dweight, dbias, dinitialConvState], as the cpu kernel. */
const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const s = setup(inputs, attrs as unknown as CausalConv1dAttrs);
  const dy = inputs.dy as TensorInfo;
  const { Bt, D, L, W, f } = s;
  const key = convKey(f);
  const zIn = f.silu ? s.named : [];
  const dz = runWgsl(be, {
    // Without silu the shader reads dy alone (unread bindings are invalid under the automatic layout).
    name: 'ccGradZ', key, outputShape: [Bt, D, L], inputs: [dy, ...zIn.map((e) => e[1])], variableNames: ['dy', ...zIn.map((e) => e[0])],
    threads: Bt * D * L, uniforms: s.uniforms, body: convGradZ(f),
  });
  const segIn = f.seg ? [inputs.segmentIds as TensorInfo] : [];
  const dxpad = runWgsl(be, {
    name: 'ccGradXpad', key, outputShape: [Bt, D, L + W - 1], inputs: [dz, s.w, ...segIn], variableNames: ['dz', 'w', ...(f.seg ? ['seg'] : [])],
    threads: Bt * D * (L + W - 1), uniforms: s.uniforms, body: convGradXpad(f),
  });
  const noW = s.named.filter((e) => e[0] !== 'w' && e[0] !== 'bias');
  // A workgroup tree reduction per (d, tap): one thread per tap looping over Bt·L was most of the backward.
  const dW = treeReduce(be, {
    name: 'ccGradW', key, rows: D * W, n: Bt * L, outShape: [D, W], inputs: [dz, ...noW.map((e) => e[1])],
    variableNames: ['dz', ...noW.map((e) => e[0])], uniforms: s.uniforms, term: convGradWeight(f),
  });
  const dB = sumAxes02(be, dz, 0, [Bt, D, L, 1], [D]);
  const dx = copyRows(be, dxpad, W - 1, Bt * D, L, L + W - 1, [Bt, D, L]);
  const dSt = copyRows(be, dxpad, 0, Bt * D, W - 1, L + W - 1, [Bt, D, W - 1]);
  disposeInfos(be, [dz, dxpad]);
  return [dx, dW, dB, dSt];
};

/** Registers the WGSL causal conv for 'webgpu' under the op's kernel names (gradient config shared). */
export function registerCausalConv1dWebgpu(): void {
  registerKernelOnce({ kernelName: CAUSAL_CONV1D_KERNEL, backendName: 'webgpu', kernelFunc: forward }, ['webgpu']);
  registerKernelOnce({ kernelName: CAUSAL_CONV1D_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: backward }, ['webgpu']);
}
