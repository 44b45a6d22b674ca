import { checkCount, checkXyz } from './fps';

/**
 * k nearest neighbours of each query among the points, by squared Euclidean distance, nearest first
 * (a query that is itself a point finds itself first). Brute force with a bounded max-heap per query:
 * O(M·N·log k) time, O(k) extra memory per query, for M queries and N points. At the sizes of a point
 * cloud network (N ≤ a few thousand) this beats building a k-d tree per shape.
 */
export function knn(points: ArrayLike<number>, queries: ArrayLike<number>, k: number): Int32Array {
  const n = checkXyz('knn', points);
  const m = checkXyz('knn', queries);
  checkCount('knn', 'k', k, 1, n);
  const out = new Int32Array(m * k);
  const hd = new Float64Array(k); // max-heap on distance
  const hi = new Int32Array(k);
  for (let q = 0; q < m; q++) {
    const qx = queries[3 * q], qy = queries[3 * q + 1], qz = queries[3 * q + 2];
    let size = 0;
    for (let i = 0; i < n; i++) {
      const dx = points[3 * i] - qx, dy = points[3 * i + 1] - qy, dz = points[3 * i + 2] - qz;
      const d = dx * dx + dy * dy + dz * dz;
      if (size < k) {
        // sift up
        let c = size++;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (hd[p] > d || (hd[p] === d && hi[p] > i)) break;
          hd[c] = hd[p]; hi[c] = hi[p]; c = p;
        }
        hd[c] = d; hi[c] = i;
      } else if (d < hd[0]) {
        // replace the root, sift down
        let c = 0;
        for (;;) {
          const l = 2 * c + 1, r = l + 1;
          let big = c, bd = d, bi = i;
          if (l < k && (hd[l] > bd || (hd[l] === bd && hi[l] > bi))) { big = l; bd = hd[l]; bi = hi[l]; }
          if (r < k && (hd[r] > bd || (hd[r] === bd && hi[r] > bi))) { big = r; }
          if (big === c) break;
          hd[c] = hd[big]; hi[c] = hi[big]; c = big;
        }
        hd[c] = d; hi[c] = i;
      }
    }
    // heap → ascending by (distance, index)
    const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => hd[a] - hd[b] || hi[a] - hi[b]);
    for (let j = 0; j < k; j++) out[q * k + j] = hi[order[j]];
  }
  return out;
}

/**
 * Ball query (PointNet++): for each query, the first `k` points (in index order) within `radius`; when fewer
 * are found the list is padded with the first one found (the query's own point when it is in the set, else
 * the nearest point, so the group is never empty). O(M·N) time.
 */
export function ballQuery(points: ArrayLike<number>, queries: ArrayLike<number>, radius: number, k: number): Int32Array {
  const n = checkXyz('ballQuery', points);
  const m = checkXyz('ballQuery', queries);
  checkCount('ballQuery', 'k', k, 1);
  if (!(radius > 0) || !Number.isFinite(radius)) throw new Error(`ballQuery: 'radius' must be a finite number > 0, received ${radius}`);
  const r2 = radius * radius;
  const out = new Int32Array(m * k);
  for (let q = 0; q < m; q++) {
    const qx = queries[3 * q], qy = queries[3 * q + 1], qz = queries[3 * q + 2];
    let cnt = 0, nearest = 0, nearestD = Infinity;
    for (let i = 0; i < n && cnt < k; i++) {
      const dx = points[3 * i] - qx, dy = points[3 * i + 1] - qy, dz = points[3 * i + 2] - qz;
      const d = dx * dx + dy * dy + dz * dz;
      if (d <= r2) out[q * k + cnt++] = i;
      if (d < nearestD) { nearestD = d; nearest = i; }
    }
    if (cnt === 0) {
      // nothing inside: fall back to the nearest point (full scan)
      for (let i = 0; i < n; i++) {
        const dx = points[3 * i] - qx, dy = points[3 * i + 1] - qy, dz = points[3 * i + 2] - qz;
        const d = dx * dx + dy * dy + dz * dz;
        if (d < nearestD) { nearestD = d; nearest = i; }
      }
      out[q * k] = nearest;
      cnt = 1;
    }
    for (let j = cnt; j < k; j++) out[q * k + j] = out[q * k];
  }
  return out;
}
