/**
 * WGSL bodies of the chunked selective scan's forward (see scanPasses.ts for how they chain; the
 * backward's are in scanBackwardShaders.ts). Threads are (b, d, chunk) or (b, d, n); each thread
 * keeps its N states in registers (a private array) and walks its chunk of T steps in scan order s
 * (t = s, or L-1-s when reversed). The step's decay is a = exp(Δ·A[d,n])·keep, keep = 0 where the
 * segment id changes between scan neighbours. Δ is computed where it is read (softplus(delta +
 * bias)), so no (Bt, D, L) buffer of it exists. B, C, A, the skip D and the bias are packed into one
 * buffer `prm` = [B | C | A | Dv | bias]: tfjs binds at most 7 inputs per program.
 */
export interface ScanShape {
  N: number;
  T: number;
  reverse: boolean;
  seg: boolean;
  bias: boolean;
  softplus: boolean;
}

export const shapeKey = (c: ScanShape): string => `N${c.N}_T${c.T}_r${+c.reverse}_s${+c.seg}_b${+c.bias}_p${+c.softplus}`;

/**
 * Shared helpers for passes that bind `delta`, `prm` (and `seg` when c.seg). Uniforms: Bt, D, L,
 * K (chunks), DG (channels per group), G, Pd, offC/offA/offD/offBias (offsets into prm).
 */
export function prelude(c: ScanShape): string {
  const v = c.bias ? 'delta[i] + prm[uniforms.offBias + d]' : 'delta[i]';
  return `
const N = ${c.N};
const T = ${c.T};
fn tOf(s : i32) -> i32 { return ${c.reverse ? 'uniforms.L - 1 - s' : 's'}; }
fn xi(b : i32, d : i32, t : i32) -> i32 { return (b * uniforms.D + d) * uniforms.L + t; }
fn bci(b : i32, d : i32, n : i32, t : i32) -> i32 { return ((b * uniforms.G + d / uniforms.DG) * N + n) * uniforms.L + t; }
fn Bv(b : i32, d : i32, n : i32, t : i32) -> f32 { return prm[bci(b, d, n, t)]; }
fn Cv(b : i32, d : i32, n : i32, t : i32) -> f32 { return prm[uniforms.offC + bci(b, d, n, t)]; }
fn Av(d : i32, n : i32) -> f32 { return prm[uniforms.offA + d * N + n]; }
fn Dskip(d : i32) -> f32 { return prm[uniforms.offD + d]; }
// Δ before the softplus (delta + bias), and the Δ the recurrence uses.
fn rawDt(d : i32, i : i32) -> f32 { return ${v}; }
fn dtAt(d : i32, i : i32) -> f32 {
  let v = rawDt(d, i);
  return ${c.softplus ? 'select(log(1.0 + exp(v)), v, v > 20.0)' : 'v'};
}
fn keepAt(b : i32, s : i32) -> f32 {
  ${c.seg ? 'if (s == 0) { return 1.0; }\n  return select(0.0, 1.0, seg[b * uniforms.L + tOf(s)] == seg[b * uniforms.L + tOf(s - 1)]);' : 'return 1.0;'}
}
// One step of state n: a·x + Δ·u·B_t[n], a = exp(Δ·A[d,n])·keep (du = Δ·u).
fn stepState(x : f32, dt : f32, k : f32, du : f32, b : i32, d : i32, n : i32, t : i32) -> f32 {
  return exp(dt * Av(d, n)) * k * x + du * Bv(b, d, n, t);
}
// Row (b, d, chunk c) of a (Bt, D, K+1, N) carry buffer (forward states, adjoints).
fn carryRow(b : i32, d : i32, c : i32) -> i32 { return ((b * uniforms.D + d) * (uniforms.K + 1) + c) * N; }
struct Bdc { b : i32, d : i32, c : i32, s0 : i32, s1 : i32 }
fn bdc(index : i32) -> Bdc {
  let c = index % uniforms.K;
  let bd = index / uniforms.K;
  let s0 = c * T;
  return Bdc(bd / uniforms.D, bd % uniforms.D, c, s0, min(s0 + T, uniforms.L));
}
`;
}

/**
 * Opens step s of a chunk loop (inside the loop over s): t, the element index i of (Bt, D, L), the
 * step's Δ (dt) and keep factor (k), for channel (b, d) (WGSL expressions).
 */
export const openStep = (b = 'p.b', d = 'p.d'): string => `let t = tOf(s);
    let i = xi(${b}, ${d}, t);
    let dt = dtAt(${d}, i);
    let k = keepAt(${b}, s);`;

/**
 * Opens main() of a per-(b, d, chunk) pass: thread p = bdc(index) resumes its chunk's N states x
 * from the chunk's carry and, with `adjoint`, the adjoints r from the adjoint carry (lam).
 */
export const resumeChunk = (adjoint: boolean): string => `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let p = bdc(index);
  var x : array<f32, N>;${adjoint ? '\n  var r : array<f32, N>;' : ''}
  let o = carryRow(p.b, p.d, p.c);
  for (var n = 0; n < N; n = n + 1) { x[n] = carry[o + n];${adjoint ? ' r[n] = lam[o + n];' : ''} }`;

/** For the carry passes, which bind neither delta nor segment ids. */
export const carryPrelude = (N: number): string => `\nconst N = ${N};\n`;

/**
 * A carry pass, thread (b,d,n): runs x ← exp(A·ΣΔ)·Π keep·x + (chunk term) over the K chunks, left
 * to right (forward states) or right to left (adjoints), writing (Bt, D, K+1, N): for each chunk the
 * value entering it, at index K the final one. The chunk's decay product comes from the forward's
 * [h | ΣΔ | Π keep] (hp); `start` and `chunkTerm` are WGSL expressions (chunkTerm may read o).
 */
export function carryScan(start: string, backward: boolean, chunkTerm: string): string {
  const loop = backward ? 'var c = uniforms.K - 1; c >= 0; c = c - 1' : 'var c = 0; c < uniforms.K; c = c + 1';
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let n = index % N;
  let bd = index / N;
  let an = prm[uniforms.offA + (bd % uniforms.D) * N + n];
  var x = ${start};
  for (${loop}) {
    result[(bd * (uniforms.K + 1) + c) * N + n] = x;
    let o = (bd * uniforms.K + c) * (N + 2);
    x = exp(an * hp[o + N]) * hp[o + N + 1] * x + ${chunkTerm};
  }
  result[(bd * (uniforms.K + 1) + uniforms.K) * N + n] = x;
}`;
}

/** prm = [B | C | A | Dv | bias] (Dv, bias zeros when absent). */
export function packParams(hasD: boolean, hasBias: boolean): string {
  return `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  var v = 0.0;
  if (index < uniforms.offC) { v = B[index]; }
  else if (index < uniforms.offA) { v = C[index - uniforms.offC]; }
  else if (index < uniforms.offD) { v = A[index - uniforms.offA]; }
  ${hasD ? 'else if (index < uniforms.offBias) { v = Dv[index - uniforms.offD]; }' : ''}
  ${hasBias ? 'else if (index >= uniforms.offBias) { v = bias[index - uniforms.offBias]; }' : ''}
  result[index] = v;
}`;
}

/**
 * Pass 1, thread (b,d,c): the chunk's end state from zero (h), ΣΔ over the chunk and Π keep:
 * out (Bt, D, K, N+2). The chunk's decay product Π a = exp(A·ΣΔ)·Π keep needs no N values.
 */
export const CHUNK_STATE = `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let p = bdc(index);
  var h : array<f32, N>;
  for (var n = 0; n < N; n = n + 1) { h[n] = 0.0; }
  var sdt = 0.0;
  var kp = 1.0;
  for (var s = p.s0; s < p.s1; s = s + 1) {
    ${openStep()}
    let du = dt * u[i];
    sdt = sdt + dt;
    kp = kp * k;
    for (var n = 0; n < N; n = n + 1) { h[n] = stepState(h[n], dt, k, du, p.b, p.d, n, t); }
  }
  let o = index * (N + 2);
  for (var n = 0; n < N; n = n + 1) { result[o + n] = h[n]; }
  result[o + N] = sdt;
  result[o + N + 1] = kp;
}`;

/** Pass 2, thread (b,d,n): carries (Bt, D, K+1, N): the state entering each chunk, and (index K) the last state. */
export const carryForward = (hasInit: boolean): string => carryScan(hasInit ? 'init[index]' : '0.0', false, 'hp[o + n]');

/**
 * Pass 3, thread (b,d,c): rescans the chunk from its carry; y_t = Σ_n C_t[n] x_t[n] + D·u_t, times
 * silu(z_t) when gated. mode 'dz' writes instead the gate's gradient dy·(y + D·u)·silu'(z).
 */
export function chunkOutput(mode: 'y' | 'dz', hasZ: boolean): string {
  const write = mode === 'dz'
    ? 'let sg = 1.0 / (1.0 + exp(-z[i]));\n    result[i] = dy[i] * y * sg * (1.0 + z[i] * (1.0 - sg));'
    : hasZ ? 'result[i] = y * z[i] / (1.0 + exp(-z[i]));' : 'result[i] = y;';
  return `${resumeChunk(false)}
  let dsk = Dskip(p.d);
  for (var s = p.s0; s < p.s1; s = s + 1) {
    ${openStep()}
    let uu = u[i];
    var y = dsk * uu;
    for (var n = 0; n < N; n = n + 1) {
      x[n] = stepState(x[n], dt, k, dt * uu, p.b, p.d, n, t);
      y = y + x[n] * Cv(p.b, p.d, n, t);
    }
    ${write}
  }
}`;
}

/** gy = dout·silu(z): the gradient reaching the scan output before the gate. */
export const GATED_GY = `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  result[index] = dy[index] * z[index] / (1.0 + exp(-z[index]));
}`;
