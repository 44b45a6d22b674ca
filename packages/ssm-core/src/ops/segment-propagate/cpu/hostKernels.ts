import type { EdgeWeightMode } from '../kernelNames';

/**
 * Plain typed-array loops (no SIMD module: the work is one multiply-add per edge and channel, memory bound,
 * and a JS loop over contiguous rows already runs near memory speed; tfjs' wasm Gather + UnsortedSegmentSum
 * materialise the (E, d) message tensor and their gradients several more).
 */

/** out[dst[e], :] += w · h[src[e], :]; out must be zero-filled, (numSegments, d). */
export function propagateRows(h: Float32Array, src: Int32Array, dst: Int32Array, w: Float32Array, mode: EdgeWeightMode, d: number, out: Float32Array): void {
  const edges = src.length;
  for (let e = 0; e < edges; e++) {
    const s = src[e] * d;
    const t = dst[e] * d;
    if (mode === 'channel') {
      const we = e * d;
      for (let c = 0; c < d; c++) out[t + c] += w[we + c] * h[s + c];
    } else {
      const we = mode === 'edge' ? w[e] : 1;
      for (let c = 0; c < d; c++) out[t + c] += we * h[s + c];
    }
  }
}

/**
 * Gradient wrt the weight: 'edge' dw[e] = Σ_c dy[dst[e], c] h[src[e], c]; 'channel' dw[e, c] = dy[dst[e], c] h[src[e], c].
 */
export function weightGrad(h: Float32Array, src: Int32Array, dst: Int32Array, dy: Float32Array, mode: EdgeWeightMode, d: number, dw: Float32Array): void {
  const edges = src.length;
  for (let e = 0; e < edges; e++) {
    const s = src[e] * d;
    const t = dst[e] * d;
    if (mode === 'channel') {
      const we = e * d;
      for (let c = 0; c < d; c++) dw[we + c] = dy[t + c] * h[s + c];
    } else {
      let acc = 0;
      for (let c = 0; c < d; c++) acc += dy[t + c] * h[s + c];
      dw[e] = acc;
    }
  }
}
