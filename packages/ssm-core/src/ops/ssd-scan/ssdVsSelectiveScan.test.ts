import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { hasFusedKernel } from '../../kernels/dispatch';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose } from '../../testing/compare';
import { SSD_SCAN_KERNEL } from './kernelNames';
import { naiveSsdScan } from './naiveOracle';
import { ssdScan } from './ssdScan';
import { SsdCase, caseDims, makeInputs, outputs, projectedLoss, segmentIdsFor, toArgs } from './ssdTestCases';
import { ssdScanViaSelectiveScan } from './viaSelectiveScan';

const ATOL = 2e-4;
const RTOL = 2e-3;

// The production SSD -> selective-scan mapping (viaSelectiveScan.ts, what ssdScan runs on webgpu)
// against two oracles that share no code with it: ssdScan's fused SSD recurrence on cpu/wasm
// (values and every gradient) and the naive float64 loop (values).
describe.each(TEST_BACKENDS)('ssdScanViaSelectiveScan equals the SSD recurrence on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  it('ssdScan runs the fused SSD kernel here (not the mapping under test)', () => {
    expect(hasFusedKernel(SSD_SCAN_KERNEL)).toBe(true);
  });
  const cases: SsdCase[] = [
    { name: 'all options', Bt: 2, L: 19, H: 4, P: 3, G: 2, N: 5, D: 'HP', z: true, dtBias: true, softplus: true, init: true, last: true },
    { name: 'D (H), G=1, L=1', Bt: 1, L: 1, H: 2, P: 4, G: 1, N: 1, D: 'H', last: true },
    { name: 'plain', Bt: 1, L: 33, H: 3, P: 2, G: 3, N: 8 },
    {
      name: 'segments, all options', Bt: 2, L: 19, H: 4, P: 3, G: 2, N: 5, D: 'H', z: true, dtBias: true, softplus: true, init: true, last: true,
      chunkSize: 4, segments: [4, 1, 9, 5],
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s: forward and every gradient', (_n, c) => {
    const { names, tensors } = makeInputs(c, 31);
    const ids = segmentIdsFor(c);
    const seg = ids ? tf.tensor2d(ids, [c.Bt, c.L], 'int32') : undefined;
    tf.tidy(() => {
      const lossSsd = (...xs: tf.Tensor[]) => projectedLoss(c, ssdScan(toArgs(c, names, xs, seg)));
      const lossSel = (...xs: tf.Tensor[]) => projectedLoss(c, ssdScanViaSelectiveScan(toArgs(c, names, xs, seg)));
      expectClose(lossSsd(...tensors), lossSel(...tensors), ATOL, RTOL, 'projected output');
      const [y, last] = outputs(ssdScanViaSelectiveScan(toArgs(c, names, tensors, seg)));
      const arr = (n: string) => (names.includes(n) ? (tensors[names.indexOf(n)].dataSync() as Float32Array) : undefined);
      const naive = naiveSsdScan(
        {
          x: arr('x')!, dt: arr('dt')!, A: arr('A')!, B: arr('B')!, C: arr('C')!, D: arr('D'), z: arr('z'), dtBias: arr('dtBias'),
          softplus: c.softplus, init: arr('initialState'), seg: ids,
        },
        caseDims(c),
      );
      expectClose(y, tf.tensor(Float32Array.from(naive.y), y.shape), ATOL, RTOL, 'y vs naive loop');
      if (last) expectClose(last, tf.tensor(Float32Array.from(naive.last), last.shape), ATOL, RTOL, 'lastState vs naive loop');
      const gS = tf.grads(lossSsd)(tensors);
      const gR = tf.grads(lossSel)(tensors);
      names.forEach((n, i) => expectClose(gS[i], gR[i], ATOL, RTOL, `d${n} fused SSD vs the mapping`));
    });
    tf.dispose([...tensors, ...(seg ? [seg] : [])]);
  });
});
