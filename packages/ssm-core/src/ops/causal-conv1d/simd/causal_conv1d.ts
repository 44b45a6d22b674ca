// Depthwise causal conv1d (width W <= 8), forward and backward, 4-lane SIMD.
// Rows are (b, d) pairs, row g = b*D + d; a chunk of `rows` rows starting at global row `rowStart`
// lies contiguously at x/y/dy/dx (row r at ptr + r*L*4). The conv state (the W-1 inputs before
// x[0]) and its gradient are indexed by global row. Pointer 0 means "absent" (no bias, zero
// state, no segments, no state gradient): the arena never hands out offset 0.
// Segments: the host lists, per batch, the positions l whose taps reach before the start s of
// their run (fixL/fixS, batch b at fixOff[b]..fixOff[b+1]); the bulk loops ignore segments and
// these few positions are then recomputed (forward) or corrected (backward).
import { expv } from '../../../../assembly/simd_math';

@inline function sigmoidv(z: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), expv(f32x4.neg(z))));
}

@inline function sigmoid(z: f32): f32 {
  return <f32>1.0 / (<f32>1.0 + Mathf.exp(-z));
}

@inline function actv(z: v128, act: i32): v128 {
  return act ? f32x4.mul(z, sigmoidv(z)) : z;
}

@inline function act1(z: f32, act: i32): f32 {
  return act ? z * sigmoid(z) : z;
}

/** Input at position p of a row (p < 0: the conv state, zeros when st == 0). */
@inline function xAt(x: usize, st: usize, p: i32, W: i32): f32 {
  if (p >= 0) return load<f32>(x + (<usize>p << 2));
  return st ? load<f32>(st + (<usize>(p + W - 1) << 2)) : 0;
}

/** Pre-activation at l using only taps p >= lo (same summation order as the SIMD loops). */
function zAt(x: usize, st: usize, w: usize, bias: f32, l: i32, W: i32, lo: i32): f32 {
  let z = bias;
  for (let j = 0; j < W; j++) {
    const p = l + j - (W - 1);
    if (p < lo) continue;
    z += load<f32>(w + (<usize>j << 2)) * xAt(x, st, p, W);
  }
  return z;
}

/** out[l] = act(bias + Σ_j w[j]·xpad[l+j]) for one row, ignoring segments. */
function rowForward(x: usize, st: usize, w: usize, bias: f32, out: usize, L: i32, W: i32, act: i32): void {
  const head = min(W - 1, L);
  let l = 0;
  for (; l < head; l++) store<f32>(out + (<usize>l << 2), act1(zAt(x, st, w, bias, l, W, 1 - W), act));
  const bv = f32x4.splat(bias);
  for (; l + 16 <= L; l += 16) {
    let a0 = bv, a1 = bv, a2 = bv, a3 = bv;
    const base = x + (<usize>(l - W + 1) << 2);
    for (let j = 0; j < W; j++) {
      const wv = f32x4.splat(load<f32>(w + (<usize>j << 2)));
      const p = base + (<usize>j << 2);
      a0 = f32x4.add(a0, f32x4.mul(wv, v128.load(p)));
      a1 = f32x4.add(a1, f32x4.mul(wv, v128.load(p, 16)));
      a2 = f32x4.add(a2, f32x4.mul(wv, v128.load(p, 32)));
      a3 = f32x4.add(a3, f32x4.mul(wv, v128.load(p, 48)));
    }
    const o = out + (<usize>l << 2);
    v128.store(o, actv(a0, act));
    v128.store(o, actv(a1, act), 16);
    v128.store(o, actv(a2, act), 32);
    v128.store(o, actv(a3, act), 48);
  }
  for (; l + 4 <= L; l += 4) {
    let a0 = bv;
    const base = x + (<usize>(l - W + 1) << 2);
    for (let j = 0; j < W; j++) {
      a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(w + (<usize>j << 2))), v128.load(base + (<usize>j << 2))));
    }
    v128.store(out + (<usize>l << 2), actv(a0, act));
  }
  for (; l < L; l++) store<f32>(out + (<usize>l << 2), act1(zAt(x, st, w, bias, l, W, 1 - W), act));
}

export function forward(
  x: usize, st: usize, w: usize, bias: usize, y: usize,
  rows: i32, rowStart: i32, D: i32, L: i32, W: i32, act: i32,
  fixOff: usize, fixL: usize, fixS: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const g = rowStart + r;
    const b = g / D;
    const d = g % D;
    const xr = x + (<usize>r * <usize>L << 2);
    const yr = y + (<usize>r * <usize>L << 2);
    const sr = st ? st + (<usize>g * <usize>(W - 1) << 2) : 0;
    const wr = w + (<usize>d * <usize>W << 2);
    const bb: f32 = bias ? load<f32>(bias + (<usize>d << 2)) : 0;
    rowForward(xr, sr, wr, bb, yr, L, W, act);
    if (fixOff) {
      const k1 = load<i32>(fixOff + (<usize>(b + 1) << 2));
      for (let k = load<i32>(fixOff + (<usize>b << 2)); k < k1; k++) {
        const l = load<i32>(fixL + (<usize>k << 2));
        const s = load<i32>(fixS + (<usize>k << 2));
        store<f32>(yr + (<usize>l << 2), act1(zAt(xr, sr, wr, bb, l, W, s), act));
      }
    }
  }
}

/** dz = dy ⊙ act'(z), in place over z; returns Σ dz (the bias gradient of this row). */
function rowActGrad(dy: usize, dz: usize, L: i32, act: i32): f32 {
  let acc = f32x4.splat(0);
  let l = 0;
  for (; l + 4 <= L; l += 4) {
    const o = dz + (<usize>l << 2);
    let g = v128.load(dy + (<usize>l << 2));
    if (act) {
      const z = v128.load(o);
      const s = sigmoidv(z);
      // silu'(z) = s·(1 + z·(1 − s))
      g = f32x4.mul(g, f32x4.mul(s, f32x4.add(f32x4.splat(1.0), f32x4.mul(z, f32x4.sub(f32x4.splat(1.0), s)))));
    }
    v128.store(o, g);
    acc = f32x4.add(acc, g);
  }
  let sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; l < L; l++) {
    const o = dz + (<usize>l << 2);
    let g = load<f32>(dy + (<usize>l << 2));
    if (act) {
      const z = load<f32>(o);
      const s = sigmoid(z);
      g *= s * (<f32>1.0 + z * (<f32>1.0 - s));
    }
    store<f32>(o, g);
    sum += g;
  }
  return sum;
}

/** Σ_l dz[l]·xpad[l+j] for tap j (all l, segments ignored). */
function rowWeightGrad(x: usize, st: usize, dz: usize, L: i32, W: i32, j: i32): f32 {
  const l0 = min(W - 1 - j, L); // first l whose tap j lies in x
  let sum: f32 = 0;
  for (let l = 0; l < l0; l++) sum += load<f32>(dz + (<usize>l << 2)) * xAt(x, st, l + j - W + 1, W);
  let acc = f32x4.splat(0);
  let l = l0;
  const off = j - W + 1;
  for (; l + 4 <= L; l += 4) {
    acc = f32x4.add(acc, f32x4.mul(v128.load(dz + (<usize>l << 2)), v128.load(x + (<usize>(l + off) << 2))));
  }
  for (; l < L; l++) sum += load<f32>(dz + (<usize>l << 2)) * load<f32>(x + (<usize>(l + off) << 2));
  return sum + f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
}

/** dx[p] = Σ_j w[j]·dz[p + W−1−j] over l < L (segments ignored); dst gets the p < 0 part. */
function rowInputGrad(w: usize, dz: usize, dx: usize, dst: usize, L: i32, W: i32): void {
  const bulkEnd = L - W + 1; // p < bulkEnd: every tap's l is inside the row
  let p = 0;
  const zero = f32x4.splat(0);
  for (; p + 16 <= bulkEnd; p += 16) {
    let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    for (let j = 0; j < W; j++) {
      const wv = f32x4.splat(load<f32>(w + (<usize>j << 2)));
      const q = dz + (<usize>(p + W - 1 - j) << 2);
      a0 = f32x4.add(a0, f32x4.mul(wv, v128.load(q)));
      a1 = f32x4.add(a1, f32x4.mul(wv, v128.load(q, 16)));
      a2 = f32x4.add(a2, f32x4.mul(wv, v128.load(q, 32)));
      a3 = f32x4.add(a3, f32x4.mul(wv, v128.load(q, 48)));
    }
    const o = dx + (<usize>p << 2);
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
  }
  for (; p + 4 <= bulkEnd; p += 4) {
    let a0 = zero;
    for (let j = 0; j < W; j++) {
      a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(w + (<usize>j << 2))), v128.load(dz + (<usize>(p + W - 1 - j) << 2))));
    }
    v128.store(dx + (<usize>p << 2), a0);
  }
  // Tail positions and the state positions (p = 1−W .. −1): scalar, taps with 0 <= l < L.
  for (p = p < 0 ? 0 : p; p < L; p++) store<f32>(dx + (<usize>p << 2), inputGradAt(w, dz, p, L, W));
  if (dst) for (let p2 = 1 - W; p2 < 0; p2++) store<f32>(dst + (<usize>(p2 + W - 1) << 2), inputGradAt(w, dz, p2, L, W));
}

@inline function inputGradAt(w: usize, dz: usize, p: i32, L: i32, W: i32): f32 {
  let s: f32 = 0;
  for (let j = 0; j < W; j++) {
    const l = p + W - 1 - j;
    if (l >= 0 && l < L) s += load<f32>(w + (<usize>j << 2)) * load<f32>(dz + (<usize>l << 2));
  }
  return s;
}

/**
 * Gradients for one chunk of rows. dz is scratch (one row). dW (D·W) and dB (D) accumulate over
 * calls (the host zeroes them once); dx (chunk) and dst (global rows, or 0) are overwritten.
 */
export function backward(
  x: usize, st: usize, w: usize, bias: usize, dy: usize, dz: usize,
  dx: usize, dst: usize, dW: usize, dB: usize,
  rows: i32, rowStart: i32, D: i32, L: i32, W: i32, act: i32,
  fixOff: usize, fixL: usize, fixS: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const g = rowStart + r;
    const b = g / D;
    const d = g % D;
    const rowOff = <usize>r * <usize>L << 2;
    const xr = x + rowOff;
    const sr = st ? st + (<usize>g * <usize>(W - 1) << 2) : 0;
    const dsr = dst ? dst + (<usize>g * <usize>(W - 1) << 2) : 0;
    const wr = w + (<usize>d * <usize>W << 2);
    const dWr = dW + (<usize>d * <usize>W << 2);
    const bb: f32 = bias ? load<f32>(bias + (<usize>d << 2)) : 0;
    const k0 = fixOff ? load<i32>(fixOff + (<usize>b << 2)) : 0;
    const k1 = fixOff ? load<i32>(fixOff + (<usize>(b + 1) << 2)) : 0;
    // 1. pre-activation z (recomputed rather than saved), exact at segment starts
    rowForward(xr, sr, wr, bb, dz, L, W, 0);
    for (let k = k0; k < k1; k++) {
      const l = load<i32>(fixL + (<usize>k << 2));
      store<f32>(dz + (<usize>l << 2), zAt(xr, sr, wr, bb, l, W, load<i32>(fixS + (<usize>k << 2))));
    }
    // 2. dz = dy·act'(z); bias gradient
    const db = rowActGrad(dy + rowOff, dz, L, act);
    store<f32>(dB + (<usize>d << 2), load<f32>(dB + (<usize>d << 2)) + db);
    // 3. weight and input gradients as if there were no segments
    for (let j = 0; j < W; j++) {
      const o = dWr + (<usize>j << 2);
      store<f32>(o, load<f32>(o) + rowWeightGrad(xr, sr, dz, L, W, j));
    }
    rowInputGrad(wr, dz, dx + rowOff, dsr, L, W);
    // 4. remove the taps that reach across a segment start: l's taps at p in [l−W+1, s)
    for (let k = k0; k < k1; k++) {
      const l = load<i32>(fixL + (<usize>k << 2));
      const s = load<i32>(fixS + (<usize>k << 2));
      const gl = load<f32>(dz + (<usize>l << 2));
      for (let p = l - W + 1; p < s; p++) {
        const j = p - l + W - 1;
        const o = dWr + (<usize>j << 2);
        store<f32>(o, load<f32>(o) - gl * xAt(xr, sr, p, W));
        const wg = load<f32>(wr + (<usize>j << 2)) * gl;
        if (p >= 0) {
          const q = dx + rowOff + (<usize>p << 2);
          store<f32>(q, load<f32>(q) - wg);
        } else if (dsr) {
          const q = dsr + (<usize>(p + W - 1) << 2);
          store<f32>(q, load<f32>(q) - wg);
        }
      }
    }
  }
}
