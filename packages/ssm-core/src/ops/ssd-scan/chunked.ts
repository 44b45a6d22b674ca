import * as tf from '@tensorflow/tfjs-core';
import type { SsdScanArgs, SsdScanResult } from './ssdScan';

/**
 * The Mamba-2 chunked SSD algorithm (ALGORITHMS.md §1.7) from plain tf ops: the reference twin
 * of the fused kernel and its fallback on backends without one (webgpu, tensorflow). Differentiable
 * by tfjs autodiff. Arguments are assumed validated by ssdScan.
 *
 * Layout inside: heads go into the batch dims, (Bt, H, c, Q, ·) with c = ceil(L / Q) chunks.
 * L is zero-padded to c·Q; a padded step has dt = 0 (decay 1) and x·dt = 0, so it changes
 * neither y[:L] nor the final state.
 *
 * Segments (segmentIds): k_t = number of id changes up to t (k_0 = 0, the initial state's segment).
 * Every decay factor exp(Σ a) that carries a state from a step with k = k_j to one with k = k_i is
 * multiplied by the constant [k_i = k_j]: exact (no −inf, no large negative logs), so the gradients
 * stay finite and equal the recurrence's.
 */
export function ssdScanChunked(args: SsdScanArgs): tf.Tensor4D | SsdScanResult {
  return tf.tidy(() => {
    const [Bt, L, H, P] = args.x.shape;
    const [, , G, N] = args.B.shape;
    const Q = Math.min(args.chunkSize ?? 64, L);
    const c = Math.ceil(L / Q);
    const Lp = c * Q;

    let dt: tf.Tensor3D = args.dt;
    if (args.dtBias) dt = tf.add(dt, args.dtBias);
    if (args.dtSoftplus) dt = tf.softplus(dt);

    // (Bt, L, ...) -> zero-pad L -> (Bt, c, Q, ...)
    const chunk = <T extends tf.Tensor>(t: T): tf.Tensor => {
      const pad: Array<[number, number]> = t.shape.map((_, i) => (i === 1 ? [0, Lp - L] : [0, 0]) as [number, number]);
      const padded = Lp === L ? t : tf.pad(t, pad);
      return tf.reshape(padded, [Bt, c, Q, ...t.shape.slice(2)]);
    };
    // Head h reads group floor(h / (H/G)): broadcast (.., G, 1, N) to (.., G, H/G, N).
    // (Rank 4 on purpose: tfjs has no Tile gradient above rank 4.)
    const perHead = (t: tf.Tensor4D): tf.Tensor =>
      tf.reshape(tf.broadcastTo(tf.reshape(t, [Bt * L, G, 1, N]), [Bt * L, G, H / G, N]), [Bt, L, H, N]);

    const Xh = tf.transpose(chunk(tf.mul(args.x, tf.expandDims(dt, 3))), [0, 3, 1, 2, 4]); // (Bt,H,c,Q,P)
    const Bh = tf.transpose(chunk(perHead(args.B)), [0, 3, 1, 2, 4]); // (Bt,H,c,Q,N)
    const Ch = tf.transpose(chunk(perHead(args.C)), [0, 3, 1, 2, 4]); // (Bt,H,c,Q,N)
    const Ah = tf.transpose(chunk(tf.mul(dt, args.A)), [0, 3, 1, 2]); // (Bt,H,c,Q): a = dt·A
    const Acum = tf.cumsum(Ah, 3);

    // 1. Intra-chunk (diagonal blocks): Y = (C Bᵀ ⊙ Lmat) X, Lmat[i,j] = exp(a_{j+1} + .. + a_i), i ≥ j.
    const seg = args.segmentIds ? segmentMasks(args.segmentIds, Bt, L, Lp, c, Q) : null;
    let Lmat = expSegsum(Ah, Q);
    if (seg) Lmat = tf.mul(Lmat, seg.intra);
    const scores = tf.mul(tf.matMul(Ch, Bh, false, true), Lmat);
    const Ydiag = tf.matMul(scores, Xh); // (Bt,H,c,Q,P)

    // 2. Per-chunk states from zero: S_c = Σ_s B_s exp(Acum_last − Acum_s) X_s, kept as (N, P).
    const AcumLast = tf.slice(Acum, [0, 0, 0, Q - 1], [Bt, H, c, 1]); // (Bt,H,c,1)
    let decayStates = tf.exp(tf.sub(AcumLast, Acum)); // exponents ≤ 0 (a ≤ 0)
    if (seg) decayStates = tf.mul(decayStates, seg.toChunkEnd);
    const states = tf.matMul(tf.mul(Bh, tf.expandDims(decayStates, 4)), Xh, true, false); // (Bt,H,c,N,P)

    // 3. Across chunks: S_c ← exp(Σ a over chunk c)·S_{c−1} + S_c, as one (c+1)² decay matmul.
    const init = args.initialState
      ? tf.transpose(args.initialState, [0, 1, 3, 2]) // (Bt,H,N,P)
      : tf.zeros([Bt, H, N, P]);
    const allStates = tf.concat([tf.reshape(init, [Bt, H, 1, N * P]), tf.reshape(states, [Bt, H, c, N * P])], 2);
    const chunkSums = tf.pad(tf.reshape(AcumLast, [Bt, H, c]), [[0, 0], [0, 0], [1, 0]]); // (Bt,H,c+1)
    let decayChunk = expSegsum(chunkSums, c + 1); // (Bt,H,c+1,c+1)
    if (seg) decayChunk = tf.mul(decayChunk, seg.across);
    const newStates = tf.matMul(decayChunk, allStates); // (Bt,H,c+1,N·P): state after chunk z−1
    const prevStates = tf.reshape(tf.slice(newStates, [0, 0, 0, 0], [Bt, H, c, N * P]), [Bt, H, c, N, P]);

    // 4. Off-diagonal: the state entering the chunk, decayed to each position and read by C.
    let decayIn = tf.exp(Acum);
    if (seg) decayIn = tf.mul(decayIn, seg.fromChunkStart);
    const Yoff = tf.mul(tf.matMul(Ch, prevStates), tf.expandDims(decayIn, 4)); // (Bt,H,c,Q,P)

    const Ychunks = tf.add(Ydiag, Yoff);
    let y: tf.Tensor = tf.reshape(tf.transpose(Ychunks, [0, 2, 3, 1, 4]), [Bt, Lp, H, P]);
    if (Lp !== L) y = tf.slice(y, [0, 0, 0, 0], [Bt, L, H, P]);
    if (args.D) {
      const Dx = args.D.rank === 1 ? tf.reshape(args.D, [H, 1]) : args.D;
      y = tf.add(y, tf.mul(args.x, Dx));
    }
    if (args.z) y = tf.mul(y, tf.mul(args.z, tf.sigmoid(args.z)));
    const y4 = y as tf.Tensor4D;
    if (!args.returnLastState) return y4;
    const last = tf.slice(newStates, [0, 0, c, 0], [Bt, H, 1, N * P]);
    const lastState = tf.transpose(tf.reshape(last, [Bt, H, N, P]), [0, 1, 3, 2]) as tf.Tensor4D;
    return { y: y4, lastState };
  });
}

/**
 * Constant 0/1 masks (broadcast over heads) for segment resets; k = cumulative count of id
 * changes, padded steps repeat the last k. intra (Bt,1,c,Q,Q): [k_i = k_j] within a chunk;
 * toChunkEnd (Bt,1,c,Q): [k_s = k at the chunk's end]; across (Bt,1,c+1,c+1): between chunk-end
 * states, index 0 being the initial state (k = 0); fromChunkStart (Bt,1,c,Q): [k_i = k of the
 * state entering the chunk].
 */
function segmentMasks(segmentIds: tf.Tensor2D, Bt: number, L: number, Lp: number, c: number, Q: number) {
  const same = (a: tf.Tensor, b: tf.Tensor) => tf.cast(tf.equal(a, b), 'float32');
  let changes = tf.zeros([Bt, 1]);
  if (L > 1) {
    const prev = tf.slice(segmentIds, [0, 0], [Bt, L - 1]);
    const next = tf.slice(segmentIds, [0, 1], [Bt, L - 1]);
    changes = tf.concat([changes, tf.cast(tf.notEqual(next, prev), 'float32')], 1);
  }
  if (Lp > L) changes = tf.pad(changes, [[0, 0], [0, Lp - L]]);
  const k = tf.reshape(tf.cumsum(changes, 1), [Bt, 1, c, Q]);
  const kEnd = tf.slice(k, [0, 0, 0, Q - 1], [Bt, 1, c, 1]); // (Bt,1,c,1)
  const kStates = tf.concat([tf.zeros([Bt, 1, 1]), tf.reshape(kEnd, [Bt, 1, c])], 2); // (Bt,1,c+1)
  const kEnter = tf.reshape(tf.slice(kStates, [0, 0, 0], [Bt, 1, c]), [Bt, 1, c, 1]);
  return {
    intra: same(tf.expandDims(k, 4), tf.expandDims(k, 3)),
    toChunkEnd: same(k, kEnd),
    across: same(tf.expandDims(kStates, 3), tf.expandDims(kStates, 2)),
    fromChunkStart: same(k, kEnter),
  };
}

/**
 * exp(segsum(a)) over the last axis (length T): out[.., i, j] = exp(a_{j+1} + ... + a_i) for
 * i ≥ j, else 0. As in Mamba-2's minimal code the sums come from a cumsum of a masked copy (not a
 * difference of cumsums, which loses precision); nothing is set to −inf: entries above the
 * diagonal are 0 before exp and multiplied by 0 after, so no inf or NaN reaches the gradient.
 * The cumsum runs over the LAST axis on purpose: tfjs 4.22's Cumsum gradient transposes wrongly
 * for any other axis. So the matrix is built transposed, [.., j, i], and transposed back.
 */
function expSegsum(a: tf.Tensor, T: number): tf.Tensor {
  const above = triangle(T, 1, true); // [j, i] = 1 for i > j
  const lower = triangle(T, 0, false); // [i, j] = 1 for i ≥ j
  const rep = tf.mul(tf.expandDims(a, -2), above); // [.., j, i] = a_i for i > j
  // As rank 3: tfjs-backend-webgpu's Cumsum supports rank ≤ 4 only (rep is rank 5 for ssdScan).
  const segT = tf.reshape(tf.cumsum(tf.reshape(rep, [-1, T, T]), 2), rep.shape); // [.., j, i] = Σ_{k=j+1..i} a_k, 0 for i ≤ j
  const perm = [...Array(a.rank - 1).keys(), a.rank, a.rank - 1];
  return tf.mul(tf.exp(tf.transpose(segT, perm)), lower);
}

/** A constant 0/1 mask: 1 where i − j ≥ offset ([i, j] layout, or [j, i] when transposed). */
function triangle(T: number, offset: number, transposed: boolean): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j <= i - offset; j++) m[transposed ? j * T + i : i * T + j] = 1;
  }
  return tf.tensor2d(m, [T, T]);
}
