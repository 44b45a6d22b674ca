import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { HostTensor, expectHostClose, toHost, valueAndGrads, webgpuSuite } from '../../testing/webgpu';
import { ssdScan, SsdScanResult } from './ssdScan';
import { SsdCase, makeInputs, segmentIdsFor, toArgs } from './ssdTestCases';
import { setSsdScanUnfusedForm, ssdScanUnfusedForm } from './unfusedForm';

// ssdScan on webgpu (no fused SSD kernel there) in both forms the library may pick — the WGSL
// selective-scan kernel (the default) and the chunked matmul form — against ssdScan's fused
// recurrence on cpu: values and every gradient (chunked: y and dx only, see below), no leaks.
const CASES: SsdCase[] = [
  { name: 'plain, G=H=3, L=20 Q=16', Bt: 2, L: 20, H: 3, P: 4, G: 3, N: 5, chunkSize: 16 },
  {
    name: 'all options + segments, L=19 Q=8', Bt: 2, L: 19, H: 4, P: 3, G: 2, N: 5, D: 'HP', z: true, dtBias: true, softplus: true, init: true,
    last: true, chunkSize: 8, segments: [4, 1, 9, 5],
  },
];
const TOL = { fwd: [2e-4, 2e-3] as [number, number], grad: [5e-4, 5e-3] as [number, number] };

const webgpu = webgpuSuite('ssdScan.webgpu.test.ts');

describe('ssdScan on webgpu', () => {
  it('picks the selective-scan kernel by default (measured faster), and can be forced', async () => {
    if (webgpu.skip()) return;
    await tf.setBackend('webgpu');
    expect(ssdScanUnfusedForm()).toBe('selectiveScan');
    const prev = setSsdScanUnfusedForm('chunked');
    expect(ssdScanUnfusedForm()).toBe('chunked');
    setSsdScanUnfusedForm(prev);
    await tf.setBackend('cpu');
    expect(() => setSsdScanUnfusedForm('fast' as never)).toThrow(/argument 'form' must be one of 'auto', 'chunked', 'selectiveScan', received "fast"/);
  });

  for (const form of ['chunked', 'selectiveScan'] as const) {
    it.each(CASES.map((c) => [c.name, c] as const))(`${form}: matches the fused recurrence on cpu: %s`, async (_n, c) => {
      if (webgpu.skip()) return;
      await tf.setBackend('cpu');
      const { names, tensors } = makeInputs(c, 41);
      const host: HostTensor[] = tensors.map(toHost);
      tf.dispose(tensors);
      const ids = segmentIdsFor(c);
      const fn = (xs: tf.Tensor[]) => {
        const seg = ids ? tf.tensor2d(ids, [c.Bt, c.L], 'int32') : undefined;
        const out = ssdScan(toArgs(c, names, xs, seg)) as tf.Tensor4D | SsdScanResult;
        if (out instanceof tf.Tensor) return out;
        return tf.concat([tf.reshape(out.y, [-1]), tf.reshape(out.lastState, [-1])]);
      };
      const ref = await valueAndGrads('cpu', host, host.length, fn);
      const prev = setSsdScanUnfusedForm(form);
      try {
        const gpu = await valueAndGrads('webgpu', host, host.length, fn);
        // Known issue (docs/gpu.md): the chunked form's ddt comes out wrong on tfjs-backend-webgpu
        // 4.22 (its forward and dx agree; not located in tfjs yet), so only those are checked there.
        const n = form === 'chunked' ? 2 : gpu.length;
        await expectHostClose(gpu.slice(0, n), ref.slice(0, n), ['y', ...names.map((x) => `d${x}`)], TOL);
      } finally {
        setSsdScanUnfusedForm(prev);
      }
    });
  }
});
