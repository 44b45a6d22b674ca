import * as tf from '@tensorflow/tfjs-core';
import { selectiveScan } from '../selective-scan/selectiveScan';
import type { SelectiveScanArgs, SelectiveScanResult } from '../selective-scan/types';
import type { SsdScanArgs, SsdScanResult } from './ssdScan';

/**
 * ssdScan computed by selectiveScan: channel d = h·P + p, u = x, delta = dt broadcast over P,
 * A broadcast to (H·P, N), B/C moved to (Bt, G, N, L) (channel d's group floor(d / (H·P/G)) =
 * floor(h / (H/G)), the same head-to-group map). Lets a backend run Mamba-2 heads on the fused
 * selective-scan kernel where that beats the chunked matmul form (ssdScan.ts decides).
 * Arguments are validated by ssdScan.
 */
export function ssdScanViaSelectiveScan(a: SsdScanArgs): tf.Tensor4D | SsdScanResult {
  const [Bt, L, H, P] = a.x.shape;
  const N = a.B.shape[3];
  return tf.tidy(() => {
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
  });
}
