/**
 * Farthest point sampling on a flat xyz array (x0, y0, z0, x1, ...).
 * Complexity: O(N·M) time, O(N) extra memory (one running min-distance per point), for N points and M samples.
 * Written by hand: no maintained npm package does FPS on typed arrays.
 */
export function checkXyz(name: string, xyz: ArrayLike<number>): number {
  if (xyz == null || typeof xyz.length !== 'number' || xyz.length % 3 !== 0) {
    throw new Error(`${name}: 'xyz' must be a flat array of length 3·N, received length ${xyz == null ? String(xyz) : xyz.length}`);
  }
  return xyz.length / 3;
}

export function checkCount(name: string, arg: string, v: number, min: number, max = Infinity): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${name}: '${arg}' must be an integer in [${min}, ${max}], received ${String(v)}`);
  }
  return v;
}

/**
 * Returns M indices: the first is `start`, each next one is the point farthest (squared Euclidean) from all chosen so far;
 * ties go to the lowest index. M may not exceed N.
 */
export function farthestPointSample(xyz: ArrayLike<number>, m: number, start = 0): Int32Array {
  const n = checkXyz('farthestPointSample', xyz);
  checkCount('farthestPointSample', 'm', m, 1, n);
  checkCount('farthestPointSample', 'start', start, 0, n - 1);
  const out = new Int32Array(m);
  const dist = new Float64Array(n).fill(Infinity);
  let cur = start;
  for (let s = 0; s < m; s++) {
    out[s] = cur;
    const cx = xyz[3 * cur], cy = xyz[3 * cur + 1], cz = xyz[3 * cur + 2];
    let best = -1, bestD = -1;
    for (let i = 0; i < n; i++) {
      const dx = xyz[3 * i] - cx, dy = xyz[3 * i + 1] - cy, dz = xyz[3 * i + 2] - cz;
      const d = dx * dx + dy * dy + dz * dz;
      if (d < dist[i]) dist[i] = d;
      if (dist[i] > bestD) {
        bestD = dist[i];
        best = i;
      }
    }
    cur = best;
  }
  return out;
}

/** Gathers points: out[j] = xyz[idx[j]] (flat xyz in and out). */
export function gatherPoints(xyz: ArrayLike<number>, idx: ArrayLike<number>, channels = 3): Float32Array {
  const n = xyz.length / channels;
  const out = new Float32Array(idx.length * channels);
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    if (!(i >= 0 && i < n)) throw new Error(`gatherPoints: index ${i} at position ${j} is outside [0, ${n})`);
    for (let c = 0; c < channels; c++) out[j * channels + c] = xyz[i * channels + c];
  }
  return out;
}
