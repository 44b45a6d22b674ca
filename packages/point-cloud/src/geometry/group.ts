import { checkCount, checkXyz } from './fps';

/**
 * Groups the neighbours of each anchor and expresses them relative to it (anchor normalization):
 * out[m, j] = (xyz[knn[m, j]] − anchor[m]) / scale. `scale`: 'none' (1), 'radius' (each group divided by its
 * own largest offset, so it fills the unit ball) or 'std' (PointMLP's: the standard deviation of all offsets of
 * the cloud). Returns flat (M, k, 3).
 */
export function groupRelative(
  xyz: ArrayLike<number>, anchorIdx: ArrayLike<number>, neighborIdx: ArrayLike<number>, k: number,
  scale: 'none' | 'radius' | 'std' = 'none',
): Float32Array {
  const n = checkXyz('groupRelative', xyz);
  const m = anchorIdx.length;
  checkCount('groupRelative', 'k', k, 1);
  if (neighborIdx.length !== m * k) {
    throw new Error(`groupRelative: 'neighborIdx' must have anchors·k = ${m * k} entries, received ${neighborIdx.length}`);
  }
  const out = new Float32Array(m * k * 3);
  for (let a = 0; a < m; a++) {
    const ai = anchorIdx[a];
    if (!(ai >= 0 && ai < n)) throw new Error(`groupRelative: anchor index ${ai} at ${a} is outside [0, ${n})`);
    for (let j = 0; j < k; j++) {
      const i = neighborIdx[a * k + j];
      if (!(i >= 0 && i < n)) throw new Error(`groupRelative: neighbour index ${i} at (${a}, ${j}) is outside [0, ${n})`);
      for (let c = 0; c < 3; c++) out[(a * k + j) * 3 + c] = xyz[3 * i + c] - xyz[3 * ai + c];
    }
  }
  if (scale === 'radius') {
    for (let a = 0; a < m; a++) {
      let r = 0;
      for (let t = a * k * 3; t < (a + 1) * k * 3; t += 3) r = Math.max(r, Math.hypot(out[t], out[t + 1], out[t + 2]));
      if (r > 0) for (let t = a * k * 3; t < (a + 1) * k * 3; t++) out[t] /= r;
    }
  } else if (scale === 'std') {
    let s = 0, s2 = 0;
    for (let t = 0; t < out.length; t++) { s += out[t]; s2 += out[t] * out[t]; }
    const mean = s / out.length;
    const std = Math.sqrt(Math.max(0, s2 / out.length - mean * mean));
    if (std > 0) for (let t = 0; t < out.length; t++) out[t] /= std + 1e-5;
  }
  return out;
}
