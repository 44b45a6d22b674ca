/**
 * WGSL bodies of the chunked selective scan (see scanPasses.ts for how they chain). Threads are
 * (b, d, chunk) or (b, d, n); each thread keeps its N states in registers (a private array) and
 * walks its chunk of T steps in scan order s (t = s, or L-1-s when reversed). The step's decay is
 * a = exp(Δ·A[d,n])·keep, keep = 0 where the segment id changes between scan neighbours.
 */
export interface ScanShape {
  N: number;
  T: number;
  reverse: boolean;
  seg: boolean;
}

export const shapeKey = (c: ScanShape): string => `N${c.N}_T${c.T}_r${+c.reverse}_s${+c.seg}`;

/** Shared helpers: uniforms Bt, D, L, K (chunks), DG (channels per group), G. */
export function prelude(c: ScanShape): string {
  return `
const N = ${c.N};
const T = ${c.T};
fn tOf(s : i32) -> i32 { return ${c.reverse ? 'uniforms.L - 1 - s' : 's'}; }
fn xi(b : i32, d : i32, t : i32) -> i32 { return (b * uniforms.D + d) * uniforms.L + t; }
fn bci(b : i32, d : i32, n : i32, t : i32) -> i32 { return ((b * uniforms.G + d / uniforms.DG) * N + n) * uniforms.L + t; }
fn keepAt(b : i32, s : i32) -> f32 {
  ${c.seg ? 'if (s == 0) { return 1.0; }\n  return select(0.0, 1.0, seg[b * uniforms.L + tOf(s)] == seg[b * uniforms.L + tOf(s - 1)]);' : 'return 1.0;'}
}
struct Bdc { b : i32, d : i32, c : i32, s0 : i32, s1 : i32 }
fn bdc(index : i32) -> Bdc {
  let c = index % uniforms.K;
  let bd = index / uniforms.K;
  let s0 = c * T;
  return Bdc(bd / uniforms.D, bd % uniforms.D, c, s0, min(s0 + T, uniforms.L));
}
`;
}

/** Pass 1, thread (b,d,c): the chunk's end state from zero (h) and its decay product (P): out (Bt, D, K, 2N) = [h | P]. */
export const CHUNK_STATE = `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let p = bdc(index);
  var h : array<f32, N>;
  var pr : array<f32, N>;
  for (var n = 0; n < N; n = n + 1) { h[n] = 0.0; pr[n] = 1.0; }
  for (var s = p.s0; s < p.s1; s = s + 1) {
    let t = tOf(s);
    let dt = dlt[xi(p.b, p.d, t)];
    let du = dt * u[xi(p.b, p.d, t)];
    let k = keepAt(p.b, s);
    for (var n = 0; n < N; n = n + 1) {
      let a = exp(dt * A[p.d * N + n]) * k;
      h[n] = a * h[n] + du * B[bci(p.b, p.d, n, t)];
      pr[n] = pr[n] * a;
    }
  }
  let o = index * 2 * N;
  for (var n = 0; n < N; n = n + 1) { result[o + n] = h[n]; result[o + N + n] = pr[n]; }
}`;

/** Pass 2, thread (b,d,n): carries (Bt, D, K+1, N): the state entering each chunk, and (index K) the last state. */
export function carryForward(hasInit: boolean): string {
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let n = index % N;
  let bd = index / N;
  var x = ${hasInit ? 'init[index]' : '0.0'};
  for (var c = 0; c < uniforms.K; c = c + 1) {
    result[(bd * (uniforms.K + 1) + c) * N + n] = x;
    let o = (bd * uniforms.K + c) * 2 * N;
    x = hp[o + N + n] * x + hp[o + n];
  }
  result[(bd * (uniforms.K + 1) + uniforms.K) * N + n] = x;
}`;
}

/** Pass 3, thread (b,d,c): rescans the chunk from its carry and writes y_t = Σ_n C_t[n] x_t[n] (Bt, D, L). */
export const CHUNK_OUTPUT = `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let p = bdc(index);
  var x : array<f32, N>;
  let o = ((p.b * uniforms.D + p.d) * (uniforms.K + 1) + p.c) * N;
  for (var n = 0; n < N; n = n + 1) { x[n] = carry[o + n]; }
  for (var s = p.s0; s < p.s1; s = s + 1) {
    let t = tOf(s);
    let dt = dlt[xi(p.b, p.d, t)];
    let du = dt * u[xi(p.b, p.d, t)];
    let k = keepAt(p.b, s);
    var y = 0.0;
    for (var n = 0; n < N; n = n + 1) {
      x[n] = exp(dt * A[p.d * N + n]) * k * x[n] + du * B[bci(p.b, p.d, n, t)];
      y = y + x[n] * C[bci(p.b, p.d, n, t)];
    }
    result[xi(p.b, p.d, t)] = y;
  }
}`;

/**
 * Backward pass 1, thread (b,d,c): the adjoint λ_s = gy_s C_s + a_{s+1} λ_{s+1} run right to left
 * over the chunk from zero; out (Bt, D, K, 2N) = [a_{s0} λ_{s0} | Π a]. gy lives in ug[0 .. Bt·D·L).
 */
export const CHUNK_ADJOINT = `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let p = bdc(index);
  var r : array<f32, N>;
  var pr : array<f32, N>;
  for (var n = 0; n < N; n = n + 1) { r[n] = 0.0; pr[n] = 1.0; }
  for (var s = p.s1 - 1; s >= p.s0; s = s - 1) {
    let t = tOf(s);
    let dt = dlt[xi(p.b, p.d, t)];
    let gy = ug[xi(p.b, p.d, t)];
    let k = keepAt(p.b, s);
    for (var n = 0; n < N; n = n + 1) {
      let a = exp(dt * A[p.d * N + n]) * k;
      r[n] = a * (gy * C[bci(p.b, p.d, n, t)] + r[n]);
      pr[n] = pr[n] * a;
    }
  }
  let o = index * 2 * N;
  for (var n = 0; n < N; n = n + 1) { result[o + n] = r[n]; result[o + N + n] = pr[n]; }
}`;

/**
 * Backward pass 2, thread (b,d,n): out (Bt, D, K+1, 2N): for chunk c, [forward carry-in | adjoint
 * coming in from the right (a_{s1} λ_{s1})]; at index K, [last state | dinitialState].
 */
export function carryBackward(hasDlast: boolean): string {
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let n = index % N;
  let bd = index / N;
  var r = ${hasDlast ? 'dlast[index]' : '0.0'};
  for (var c = uniforms.K - 1; c >= 0; c = c - 1) {
    let w = (bd * (uniforms.K + 1) + c) * 2 * N;
    result[w + n] = carry[(bd * (uniforms.K + 1) + c) * N + n];
    result[w + N + n] = r;
    let o = (bd * uniforms.K + c) * 2 * N;
    r = lp[o + N + n] * r + lp[o + n];
  }
  let w = (bd * (uniforms.K + 1) + uniforms.K) * 2 * N;
  result[w + n] = carry[(bd * (uniforms.K + 1) + uniforms.K) * N + n];
  result[w + N + n] = r;
}`;
}

/**
 * Backward pass 3, thread (b,d,c): recomputes the chunk's states from its carry (kept in a private
 * T·N array), then walks back with the adjoint. Packed out: [du | dΔ' (Bt,D,L) each | dA partials
 * (Bt,D,K,N) | C terms gy_t·x_t[n] | B terms λ_t[n]·Δ_t·u_t (Bt,D,N,L) each]; the last three are
 * summed over batch/chunks and over the channels of a group afterwards. ug = [gy | u].
 */
export function chunkBackward(c: ScanShape): string {
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let p = bdc(index);
  let nx = uniforms.Bt * uniforms.D * uniforms.L;
  let offA = 2 * nx;
  let offC = offA + uniforms.Bt * uniforms.D * uniforms.K * N;
  let offB = offC + nx * N;
  var xs : array<f32, ${c.T * c.N}>;
  var r : array<f32, N>;
  var x : array<f32, N>;
  var gA : array<f32, N>;
  let o = ((p.b * uniforms.D + p.d) * (uniforms.K + 1) + p.c) * 2 * N;
  for (var n = 0; n < N; n = n + 1) { x[n] = st[o + n]; r[n] = st[o + N + n]; gA[n] = 0.0; }
  for (var s = p.s0; s < p.s1; s = s + 1) {
    let t = tOf(s);
    let dt = dlt[xi(p.b, p.d, t)];
    let du = dt * ug[nx + xi(p.b, p.d, t)];
    let k = keepAt(p.b, s);
    for (var n = 0; n < N; n = n + 1) {
      xs[(s - p.s0) * N + n] = x[n];
      x[n] = exp(dt * A[p.d * N + n]) * k * x[n] + du * B[bci(p.b, p.d, n, t)];
    }
  }
  for (var s = p.s1 - 1; s >= p.s0; s = s - 1) {
    let t = tOf(s);
    let i = xi(p.b, p.d, t);
    let dt = dlt[i];
    let uu = ug[nx + i];
    let gy = ug[i];
    let k = keepAt(p.b, s);
    var gu = 0.0;
    var gd = 0.0;
    for (var n = 0; n < N; n = n + 1) {
      let an = A[p.d * N + n];
      let a = exp(dt * an) * k;
      let bv = B[bci(p.b, p.d, n, t)];
      let xp = xs[(s - p.s0) * N + n];
      let xt = a * xp + dt * uu * bv;
      let lam = gy * C[bci(p.b, p.d, n, t)] + r[n];
      gu = gu + lam * dt * bv;
      gd = gd + lam * (bv * uu + xp * an * a);
      gA[n] = gA[n] + lam * xp * dt * a;
      let pn = ((p.b * uniforms.D + p.d) * N + n) * uniforms.L + t;
      result[offC + pn] = gy * xt;
      result[offB + pn] = lam * dt * uu;
      r[n] = a * lam;
    }
    result[i] = gu;
    result[nx + i] = gd;
  }
  for (var n = 0; n < N; n = n + 1) { result[offA + index * N + n] = gA[n]; }
}`;
}

/** Δ' = softplus(Δ + bias) (or Δ + bias): (Bt, D, L). */
export function effectiveDelta(hasBias: boolean, softplus: boolean): string {
  const v = hasBias ? 'delta[index] + bias[(index / uniforms.L) % uniforms.D]' : 'delta[index]';
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let v = ${v};
  result[index] = ${softplus ? 'select(log(1.0 + exp(v)), v, v > 20.0)' : 'v'};
}`;
}

/** out = (y + D·u)·silu(z) (either part optional). */
export function epilogue(hasD: boolean, hasZ: boolean): string {
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  var v = y[index];
  ${hasD ? 'v = v + Dv[(index / uniforms.L) % uniforms.D] * u[index];' : ''}
  ${hasZ ? 'let zz = z[index]; v = v * zz / (1.0 + exp(-zz));' : ''}
  result[index] = v;
}`;
}

/** ug = [gy | u] (2, Bt, D, L): gy = dout·silu(z) (or dout; zeros without dout). */
export function gyAndU(hasDy: boolean, hasZ: boolean): string {
  const g = !hasDy ? '0.0' : hasZ ? 'dy[i] * z[i] / (1.0 + exp(-z[i]))' : 'dy[i]';
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let nx = uniforms.threads / 2;
  if (index >= nx) { result[index] = u[index - nx]; return; }
  let i = index;
  result[index] = ${g};
}`;
}

/** dz = dout·(y + D·u)·silu'(z), silu'(z) = σ(z)(1 + z(1 − σ(z))). */
export function gradZ(hasD: boolean): string {
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  var v = y[index];
  ${hasD ? 'v = v + Dv[(index / uniforms.L) % uniforms.D] * u[index];' : ''}
  let zz = z[index];
  let sg = 1.0 / (1.0 + exp(-zz));
  result[index] = dy[index] * v * sg * (1.0 + zz * (1.0 - sg));
}`;
}

/** du = du_scan + gy·D;  packed du lives at g[0 .. nx). */
export function gradU(hasD: boolean): string {
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  result[index] = g[index]${hasD ? ' + ug[index] * Dv[(index / uniforms.L) % uniforms.D]' : ''};
}`;
}

/** dΔ = dΔ'·σ(Δ + bias) under softplus, else dΔ'; packed dΔ' at g[nx .. 2nx). */
export function gradDelta(hasBias: boolean, softplus: boolean): string {
  const v = hasBias ? 'delta[index] + bias[(index / uniforms.L) % uniforms.D]' : 'delta[index]';
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let gd = g[uniforms.threads + index];
  ${softplus ? `let v = ${v};\n  result[index] = gd / (1.0 + exp(-v));` : 'result[index] = gd;'}
}`;
}

/** dD[d] = Σ_{b,t} gy·u over ug = [gy | u]. */
export const GRAD_SKIP = `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let nx = uniforms.Bt * uniforms.D * uniforms.L;
  var s = 0.0;
  for (var b = 0; b < uniforms.Bt; b = b + 1) {
    let o = (b * uniforms.D + index) * uniforms.L;
    for (var t = 0; t < uniforms.L; t = t + 1) { s = s + ug[o + t] * ug[nx + o + t]; }
  }
  result[index] = s;
}`;
