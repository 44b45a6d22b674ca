import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose } from '../../testing/compare';
import { selectiveScan } from '../selective-scan/selectiveScan';
import type { SelectiveScanArgs, SelectiveScanResult } from '../selective-scan/types';
import { ssdScan, SsdScanArgs } from './ssdScan';
import { SsdCase, makeInputs, projectedLoss, segmentIdsFor, toArgs } from './ssdTestCases';

const ATOL = 2e-4;
const RTOL = 2e-3;

/**
 * SSD is a selective scan with one A per head: channel d = h·P + p, u = x, delta = dt broadcast
 * over P, A broadcast to (H·P, N), B/C moved to (Bt, G, N, L) (channel d's group is
 * floor(d / (H·P/G)) = floor(h / (H/G)), the same head-to-group map).
 */
function viaSelectiveScan(a: SsdScanArgs): tf.Tensor4D | { y: tf.Tensor4D; lastState: tf.Tensor4D } {
  const [Bt, L, H, P] = a.x.shape;
  const N = a.B.shape[3];
  const toChannels = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [Bt, L, H * P]), [0, 2, 1]) as tf.Tensor3D;
  const perChannel = (t: tf.Tensor) => tf.reshape(tf.broadcastTo(tf.reshape(t, [H, 1]), [H, P]), [H * P]) as tf.Tensor1D;
  const args: SelectiveScanArgs = {
    u: toChannels(a.x),
    delta: toChannels(tf.broadcastTo(tf.expandDims(a.dt, 3), [Bt, L, H, P])),
    A: tf.reshape(tf.broadcastTo(tf.reshape(a.A, [H, 1, 1]), [H, P, N]), [H * P, N]) as tf.Tensor2D,
    B: tf.transpose(a.B, [0, 2, 3, 1]),
    C: tf.transpose(a.C, [0, 2, 3, 1]),
    deltaSoftplus: a.dtSoftplus,
    returnLastState: a.returnLastState,
    segmentIds: a.segmentIds,
  };
  if (a.D) args.D = a.D.rank === 1 ? perChannel(a.D) : (tf.reshape(a.D, [H * P]) as tf.Tensor1D);
  if (a.z) args.z = toChannels(a.z);
  if (a.dtBias) args.deltaBias = perChannel(a.dtBias);
  if (a.initialState) args.initialState = tf.reshape(a.initialState, [Bt, H * P, N]) as tf.Tensor3D;
  const out = selectiveScan(args) as tf.Tensor3D | SelectiveScanResult;
  const toSsd = (y: tf.Tensor) => tf.reshape(tf.transpose(y, [0, 2, 1]), [Bt, L, H, P]) as tf.Tensor4D;
  if (out instanceof tf.Tensor) return toSsd(out);
  return { y: toSsd(out.y), lastState: tf.reshape(out.lastState, [Bt, H, P, N]) as tf.Tensor4D };
}

describe.each(TEST_BACKENDS)('ssdScan equals selectiveScan with a per-head A on %s', (backend) => {
  beforeAll(() => useBackend(backend));
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
      const lossSel = (...xs: tf.Tensor[]) => projectedLoss(c, viaSelectiveScan(toArgs(c, names, xs, seg)));
      expectClose(lossSsd(...tensors), lossSel(...tensors), ATOL, RTOL, 'projected output');
      const gS = tf.grads(lossSsd)(tensors);
      const gR = tf.grads(lossSel)(tensors);
      names.forEach((n, i) => expectClose(gS[i], gR[i], ATOL, RTOL, `d${n} ssdScan vs selectiveScan`));
    });
    tf.dispose([...tensors, ...(seg ? [seg] : [])]);
  });
});
