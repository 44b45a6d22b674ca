import { BenchResult } from './types';

/**
 * The fewest bytes a kernel must move (float32, every input read once, every output written once:
 * what a perfectly fused kernel would transfer), and the time that takes at a given peak memory
 * bandwidth: a lower bound on the kernel's time on a bandwidth-bound GPU. fwd: the op's inputs in,
 * its output out. fwd+bwd (tf.grads of the op against a cotangent dy): the inputs and dy in, the
 * output and one gradient per differentiated input out. Shapes as the bench cases build them.
 */
export interface MinBytes {
  fwd: number;
  fwdBwd: number;
}

/** null for ops without a byte model. */
export function minBytes(op: string, shape: Record<string, number>): MinBytes | null {
  if (op === 'selectiveScan') {
    // u, delta, z (B, D, L); B, C (B, N, L); A (D, N); D skip, deltaBias (D) → y (B, D, L).
    const { B, D, L, N } = shape;
    const x = B * D * L;
    const bc = 2 * B * N * L;
    const small = D * N + 2 * D;
    return { fwd: 4 * (3 * x + bc + small + x), fwdBwd: 4 * (4 * x + bc + small + 4 * x + bc + small) };
  }
  if (op === 'fftConv') {
    // u (B, H, L); k (H, L); D (H) → y (B, H, L).
    const { B, H, L } = shape;
    const x = B * H * L;
    return { fwd: 4 * (x + H * L + H + x), fwdBwd: 4 * (2 * x + H * L + H + 2 * x + H * L + H) };
  }
  return null;
}

/** Adds bytes / bytes_fwd_bwd and, given a peak bandwidth in GB/s, bound_ms / bound_fwd_bwd_ms. */
export function withBandwidthBound(r: BenchResult, peakGbps?: number): BenchResult {
  const m = minBytes(r.op, r.shape);
  if (!m) return r;
  const out: BenchResult = { ...r, bytes: m.fwd, bytes_fwd_bwd: m.fwdBwd };
  if (peakGbps !== undefined) {
    const ms = (bytes: number) => Number(((bytes / (peakGbps * 1e9)) * 1e3).toPrecision(4));
    out.peak_gbps = peakGbps;
    out.bound_ms = ms(m.fwd);
    out.bound_fwd_bwd_ms = ms(m.fwdBwd);
  }
  return out;
}
