/**
 * WGSL bodies of the selective scan's backward (host side: scanPasses.ts; helpers: the prelude of
 * scanShaders.ts). Memory is O(Bt·D·N·L/T + Bt·D·L): only states at chunk boundaries are stored
 * (forward carries and adjoint carries, (Bt, D, K+1, N) each); every pass that needs the states
 * inside a chunk recomputes them from the chunk's carry in private memory (T·N floats per thread).
 * The adjoint is λ_s = gy_s·C_s + a_{s+1}·λ_{s+1}, run right to left in scan order.
 */
import { carryScan, openStep, resumeChunk } from './scanShaders';

/** Pass 1, thread (b,d,c): a_{s0}·λ_{s0} of the chunk from a zero right boundary: out (Bt, D, K, N). */
export const CHUNK_ADJOINT = `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let p = bdc(index);
  var r : array<f32, N>;
  for (var n = 0; n < N; n = n + 1) { r[n] = 0.0; }
  for (var s = p.s1 - 1; s >= p.s0; s = s - 1) {
    ${openStep()}
    let g = gy[i];
    for (var n = 0; n < N; n = n + 1) {
      r[n] = exp(dt * Av(p.d, n)) * k * (g * Cv(p.b, p.d, n, t) + r[n]);
    }
  }
  for (var n = 0; n < N; n = n + 1) { result[index * N + n] = r[n]; }
}`;

/**
 * Pass 2, thread (b,d,n): adjoint carries (Bt, D, K+1, N): for chunk c the adjoint coming in from
 * its right (a_{s1}·λ_{s1}); at index K, a_0·λ_0 = d initialState. The chunk's decay product comes
 * from the forward's [h | ΣΔ | Π keep] (hp).
 */
export const carryBackward = (hasDlast: boolean): string =>
  carryScan(hasDlast ? 'dlast[index]' : '0.0', true, 'lp[(bd * uniforms.K + c) * N + n]');

/**
 * Pass 3, thread (b,d,c): recomputes the chunk's states from its carry (private T·N array), walks
 * back with the adjoint from the chunk's adjoint carry and writes du (+ gy·D) or dΔ (through the
 * softplus: σ(delta + bias)), one per dispatch: each is a (Bt, D, L) buffer, and a packed pair
 * would be twice that (256 MiB at {B 8, D 1024, L 4096}).
 */
export function chunkBackward(mode: 'du' | 'ddelta', T: number, N: number, softplus: boolean): string {
  const write = mode === 'du'
    ? 'result[i] = gu + g * Dskip(p.d);'
    : softplus ? 'result[i] = gd / (1.0 + exp(-rawDt(p.d, i)));' : 'result[i] = gd;';
  return `${resumeChunk(true)}
  var xs : array<f32, ${T * N}>;
  for (var s = p.s0; s < p.s1; s = s + 1) {
    ${openStep()}
    let du = dt * u[i];
    for (var n = 0; n < N; n = n + 1) {
      xs[(s - p.s0) * N + n] = x[n];
      x[n] = stepState(x[n], dt, k, du, p.b, p.d, n, t);
    }
  }
  for (var s = p.s1 - 1; s >= p.s0; s = s - 1) {
    ${openStep()}
    let uu = u[i];
    let g = gy[i];
    var gu = 0.0;
    var gd = 0.0;
    for (var n = 0; n < N; n = n + 1) {
      let an = Av(p.d, n);
      let a = exp(dt * an) * k;
      let bv = Bv(p.b, p.d, n, t);
      let lmb = g * Cv(p.b, p.d, n, t) + r[n];
      gu = gu + lmb * dt * bv;
      gd = gd + lmb * (bv * uu + xs[(s - p.s0) * N + n] * an * a);
      r[n] = a * lmb;
    }
    ${write}
  }
}`;
}

/**
 * Pass 4, thread (b, g, n, c, part): for the channels of group g in this part, one state n at a
 * time (a scalar recurrence), recomputes x and λ over chunk c and accumulates over the channels
 * dC_t[n] = Σ_d gy_t·x_t and dB_t[n] = Σ_d λ_t·Δ_t·u_t in private arrays (no per-channel (Bt, D, N, L)
 * buffer, no atomics), plus dA's partial Σ_t λ_t·x_{t-1}·Δ_t·a_t per (b, c, d, n). Out, packed:
 * [dC partials (Pd, Bt, G, N, L) | dB partials (same) | dA partials (Bt, K, D, N)], summed afterwards.
 */
export function groupBackward(T: number): string {
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let c = index % uniforms.K;
  let n = (index / uniforms.K) % N;
  let g = (index / (uniforms.K * N)) % uniforms.G;
  let b = (index / (uniforms.K * N * uniforms.G)) % uniforms.Bt;
  let part = index / (uniforms.K * N * uniforms.G * uniforms.Bt);
  let s0 = c * T;
  let s1 = min(s0 + T, uniforms.L);
  let per = (uniforms.DG + uniforms.Pd - 1) / uniforms.Pd;
  let d0 = g * uniforms.DG + part * per;
  let d1 = min(d0 + per, (g + 1) * uniforms.DG);
  var xs : array<f32, ${T}>;
  var accC : array<f32, ${T}>;
  var accB : array<f32, ${T}>;
  for (var j = 0; j < T; j = j + 1) { accC[j] = 0.0; accB[j] = 0.0; }
  for (var d = d0; d < d1; d = d + 1) {
    let an = Av(d, n);
    let o = carryRow(b, d, c) + n;
    var x = carry[o];
    for (var s = s0; s < s1; s = s + 1) {
      ${openStep('b', 'd')}
      xs[s - s0] = x;
      x = stepState(x, dt, k, dt * u[i], b, d, n, t);
    }
    var r = lam[o];
    var gA = 0.0;
    for (var s = s1 - 1; s >= s0; s = s - 1) {
      ${openStep('b', 'd')}
      let uu = u[i];
      let g2 = gy[i];
      let a = exp(dt * an) * k;
      let xp = xs[s - s0];
      let lmb = g2 * Cv(b, d, n, t) + r;
      accC[s - s0] = accC[s - s0] + g2 * (a * xp + dt * uu * Bv(b, d, n, t));
      accB[s - s0] = accB[s - s0] + lmb * dt * uu;
      gA = gA + lmb * xp * dt * a;
      r = a * lmb;
    }
    result[2 * uniforms.Pd * uniforms.offC + ((b * uniforms.K + c) * uniforms.D + d) * N + n] = gA;
  }
  // Written even for an empty part: pooled GPU buffers are not zeroed.
  for (var s = s0; s < s1; s = s + 1) {
    let w = part * uniforms.offC + ((b * uniforms.G + g) * N + n) * uniforms.L + tOf(s);
    result[w] = accC[s - s0];
    result[uniforms.Pd * uniforms.offC + w] = accB[s - s0];
  }
}`;
}
