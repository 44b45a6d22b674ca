import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import type { SelectiveScanArgs, SelectiveScanResult } from './types';

/** B or C as (Bt, D, N, L): grouped (Bt, G, N, L) repeats each group for its D/G channels. */
function perChannel(x: Tensor, D: number): Tensor {
  if (x.rank === 3) return tf.expandDims(x, 1);
  const [Bt, G, N, L] = x.shape as [number, number, number, number];
  // Broadcast over the D/G channels of each group (rank 4: tile's gradient stops at rank 4).
  const rep = tf.mul(tf.reshape(x, [Bt, G, 1, N * L]), tf.ones([1, 1, D / G, 1]));
  return tf.reshape(rep, [Bt, D, N, L]);
}

/** (Bt, 1, 1, L): 0 where the state resets before step t (segment id differs from the previous step in scan order). */
function keepMask(seg: Tensor, L: number, reverse: boolean): Tensor {
  const Bt = seg.shape[0];
  const a = tf.slice(seg, [0, 1], [Bt, L - 1]);
  const b = tf.slice(seg, [0, 0], [Bt, L - 1]);
  const same = tf.cast(tf.equal(a, b), 'float32'); // between t-1 and t, t = 1..L-1
  const one = tf.ones([Bt, 1]);
  const keep = reverse ? tf.concat([same, one], 1) : tf.concat([one, same], 1);
  return tf.reshape(keep, [Bt, 1, 1, L]);
}

/**
 * Reference twin of selectiveScan: plain tf ops, differentiable by tfjs autodiff. It materializes
 * exp(delta·A) and delta·B·u as (Bt, D, N, L) and runs the recurrence as a sequential loop over L
 * (O(L) small ops: slow, but every step is the textbook formula, so it serves as the test oracle).
 */
export function selectiveScanReference(args: SelectiveScanArgs & { returnLastState: true }): SelectiveScanResult;
export function selectiveScanReference(args: SelectiveScanArgs): Tensor3D;
export function selectiveScanReference(args: SelectiveScanArgs): Tensor3D | SelectiveScanResult {
  return tf.tidy(() => {
    const { u, A } = args;
    const [Bt, D, L] = u.shape;
    const N = A.shape[1];
    let delta: Tensor = args.delta;
    if (args.deltaBias) delta = tf.add(delta, tf.reshape(args.deltaBias, [1, D, 1]));
    if (args.deltaSoftplus) delta = tf.softplus(delta);
    const d4 = tf.expandDims(delta, 2); // (Bt, D, 1, L)
    let dA = tf.exp(tf.mul(d4, tf.reshape(A, [1, D, N, 1]))); // (Bt, D, N, L)
    if (args.segmentIds) dA = tf.mul(dA, keepMask(args.segmentIds, L, args.reverse === true));
    const dBu = tf.mul(tf.mul(d4, tf.expandDims(u, 2)), perChannel(args.B, D));
    // (unstack/stack of a single slice trips tfjs's stack gradient, hence the L = 1 branch)
    const dAs = L === 1 ? [tf.reshape(dA, [Bt, D, N])] : tf.unstack(dA, 3);
    const dBus = L === 1 ? [tf.reshape(dBu, [Bt, D, N])] : tf.unstack(dBu, 3);
    let x: Tensor = args.initialState ?? tf.zeros([Bt, D, N]);
    const xs: Tensor[] = new Array(L);
    for (let s = 0; s < L; s++) {
      const t = args.reverse ? L - 1 - s : s;
      x = tf.add(tf.mul(dAs[t], x), dBus[t]);
      xs[t] = x;
    }
    const states = L === 1 ? tf.expandDims(xs[0] as Tensor, 3) : tf.stack(xs, 3); // (Bt, D, N, L)
    let y: Tensor = tf.sum(tf.mul(states, perChannel(args.C, D)), 2); // (Bt, D, L)
    if (args.D) y = tf.add(y, tf.mul(tf.reshape(args.D, [1, D, 1]), u));
    if (args.z) y = tf.mul(y, tf.mul(args.z, tf.sigmoid(args.z)));
    if (args.returnLastState) return { y: y as Tensor3D, lastState: x as Tensor3D };
    return y as Tensor3D;
  });
}
