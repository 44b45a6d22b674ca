import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { HostTensor, expectHostClose, toHost, valueAndGrads, webgpuSuite } from '../../../testing/webgpu';
import { hasFusedKernel } from '../../../kernels/dispatch';
import { causalConv1d } from '../causalConv1d';
import { causalConv1dReference } from '../reference';
import { CAUSAL_CONV1D_GRAD_KERNEL, CAUSAL_CONV1D_KERNEL } from '../kernelNames';
import { CASES, ConvCase, makeInputs, toArgs } from '../testCases';

// WGSL kernel on webgpu (SwiftShader in CI) vs the reference twin on cpu: values and every gradient.
const TOL = { fwd: [1e-5, 1e-4] as [number, number], grad: [1e-4, 1e-3] as [number, number] };
const PICK = ['L=1 W=4 bias silu state', 'W=1 state segments bias', 'W=8 all options', 'L < W-1 (L=5 W=8) state silu'];

// Long enough that dweight's and dbias's tree reductions take two passes (2 slices of 64 threads × 8 terms).
const LONG: ConvCase = { name: 'W=4 L=700 all options (two-pass reductions)', batch: 2, dim: 3, len: 700, width: 4, bias: true, silu: true, segments: true, state: true };

const webgpu = webgpuSuite('causalConv1d.webgpu.test.ts');

describe('causalConv1d WGSL kernel on webgpu', () => {
  it('is registered and dispatched on webgpu', async () => {
    if (webgpu.skip()) return;
    await tf.setBackend('webgpu');
    expect(hasFusedKernel(CAUSAL_CONV1D_KERNEL)).toBe(true);
    expect(hasFusedKernel(CAUSAL_CONV1D_GRAD_KERNEL)).toBe(true);
  });

  it.each([...CASES.filter((c) => PICK.includes(c.name)), LONG].map((c) => [c.name, c] as const))('matches the reference twin: %s', async (_n, c) => {
    if (webgpu.skip()) return;
    await tf.setBackend('cpu');
    const { floats, segmentIds } = makeInputs(c, 11);
    const host: HostTensor[] = [...floats, ...(segmentIds ? [segmentIds] : [])].map(toHost);
    tf.dispose([...floats, ...(segmentIds ? [segmentIds] : [])]);
    const n = floats.length;
    const call = (op: typeof causalConv1d) => (xs: tf.Tensor[]) => op(toArgs(c, xs.slice(0, n), segmentIds ? (xs[n] as tf.Tensor2D) : undefined));
    const ref = await valueAndGrads('cpu', host, n, call(causalConv1dReference));
    const gpu = await valueAndGrads('webgpu', host, n, call(causalConv1d));
    const labels = ['y', 'dx', 'dweight', ...(c.bias ? ['dbias'] : []), ...(c.state ? ['dinitialConvState'] : [])];
    await expectHostClose(gpu, ref, labels, TOL);
  });
});
