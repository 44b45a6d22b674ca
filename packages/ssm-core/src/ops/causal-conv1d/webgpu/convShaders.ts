/**
 * WGSL for the causal depthwise conv: one thread per output element, W ≤ 8 taps. xpad = [state | x]
 * (state: the W−1 inputs before x[0]); a tap from l back to p is valid iff no segment id changes in
 * (p, l] (positions before x[0] continue the first segment). Uniforms: D, L, W.
 */
export interface ConvFlags {
  W: number;
  seg: boolean;
  state: boolean;
  bias: boolean;
  silu: boolean;
}
export const convKey = (f: ConvFlags): string => `W${f.W}_s${+f.seg}_st${+f.state}_b${+f.bias}_a${+f.silu}`;

function prelude(f: ConvFlags, withPreAct = true): string {
  const head = `
const W = ${f.W};
fn xpadAt(b : i32, d : i32, p : i32) -> f32 {
  if (p >= 0) { return x[(b * uniforms.D + d) * uniforms.L + p]; }
  ${f.state ? 'return st[(b * uniforms.D + d) * (W - 1) + (W - 1) + p];' : 'return 0.0;'}
}
// 1 when the id changes between q−1 and q (q ≥ 1 only).
fn changedAt(b : i32, q : i32) -> bool {
  ${f.seg ? 'if (q < 1) { return false; }\n  return seg[b * uniforms.L + q] != seg[b * uniforms.L + q - 1];' : 'return false;'}
}
`;
  // (WebGPU's automatic layout drops bindings a shader never reads, so each shader names only what it binds.)
  if (!withPreAct) return head;
  return `${head}
fn preAct(b : i32, d : i32, l : i32) -> f32 {
  var z = ${f.bias ? 'bias[d]' : '0.0'};
  var ok = true;
  for (var i = 0; i < W; i = i + 1) {
    let p = l - i;
    if (i > 0 && changedAt(b, p + 1)) { ok = false; }
    if (ok) { z = z + w[d * W + (W - 1 - i)] * xpadAt(b, d, p); }
  }
  return z;
}
`;
}

export function convForward(f: ConvFlags): string {
  return `${prelude(f)}
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let l = index % uniforms.L;
  let bd = index / uniforms.L;
  let z = preAct(bd / uniforms.D, bd % uniforms.D, l);
  result[index] = ${f.silu ? 'z / (1.0 + exp(-z))' : 'z'};
}`;
}

/** dz = dy·act'(z) (Bt, D, L). */
export function convGradZ(f: ConvFlags): string {
  return `${f.silu ? prelude(f) : ''}
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  ${f.silu ? `let l = index % uniforms.L;
  let bd = index / uniforms.L;
  let z = preAct(bd / uniforms.D, bd % uniforms.D, l);
  let sg = 1.0 / (1.0 + exp(-z));
  result[index] = dy[index] * sg * (1.0 + z * (1.0 - sg));` : 'result[index] = dy[index];'}
}`;
}

/** d xpad (Bt, D, W−1+L): position q of xpad is p = q − (W−1); gathers dz over the taps that read it. */
export function convGradXpad(f: ConvFlags): string {
  return `
const W = ${f.W};
fn changedAt(b : i32, q : i32) -> bool {
  ${f.seg ? 'if (q < 1) { return false; }\n  return seg[b * uniforms.L + q] != seg[b * uniforms.L + q - 1];' : 'return false;'}
}
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let P = uniforms.L + W - 1;
  let q = index % P;
  let bd = index / P;
  let b = bd / uniforms.D;
  let d = bd % uniforms.D;
  let p = q - (W - 1);
  var s = 0.0;
  var ok = true;
  for (var i = 0; i < W; i = i + 1) {
    let l = p + i;
    if (i > 0 && changedAt(b, l)) { ok = false; }
    if (ok && l >= 0 && l < uniforms.L) { s = s + dz[(b * uniforms.D + d) * uniforms.L + l] * w[d * W + (W - 1 - i)]; }
  }
  result[index] = s;
}`;
}

/**
 * dweight (D, W): Σ_{b,l} dz[b,d,l]·xpad[l − i] over valid taps, i = W−1−j, as the term of a tree
 * reduction (row r = d·W + j, term t = b·L + l). Binds dz, x, st?, seg?.
 */
export function convGradWeight(f: ConvFlags): string {
  return `${prelude(f, false)}
fn term(r : i32, t : i32) -> f32 {
  let d = r / W;
  let i = W - 1 - r % W;
  let b = t / uniforms.L;
  let l = t % uniforms.L;
  for (var k = 1; k <= i; k = k + 1) { if (changedAt(b, l - k + 1)) { return 0.0; } }
  return dz[(b * uniforms.D + d) * uniforms.L + l] * xpadAt(b, d, l - i);
}`;
}
