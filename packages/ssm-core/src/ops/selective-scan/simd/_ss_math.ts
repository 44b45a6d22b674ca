// Vector helpers for the selective scan (4 lanes = 4 channels).

const LOG2E: f32 = 1.44269504088896341;

/** A·log2(e) for exp2Fast (the scan folds the log2(e) into A once per state index). */
@inline export function toLog2(a: v128): v128 {
  return f32x4.mul(a, f32x4.splat(LOG2E));
}

// 2^f on [-0.5, 0.5]: 1 + c1 f + ... + c6 f^6, a weighted least-squares (near-minimax) fit; max
// relative error 1.7e-7 when evaluated in float32 as below.
const E2_C: usize = memory.data<f32>([
  127.0, 127.0, 127.0, 127.0, -126.0, -126.0, -126.0, -126.0,
  12582912.0, 12582912.0, 12582912.0, 12582912.0, 1.0, 1.0, 1.0, 1.0,
  0.6931471824645996, 0.6931471824645996, 0.6931471824645996, 0.6931471824645996,
  0.24022647738456726, 0.24022647738456726, 0.24022647738456726, 0.24022647738456726,
  0.055503323674201965, 0.055503323674201965, 0.055503323674201965, 0.055503323674201965,
  0.00961843691766262, 0.00961843691766262, 0.00961843691766262, 0.00961843691766262,
  0.0013398868031799793, 0.0013398868031799793, 0.0013398868031799793, 0.0013398868031799793,
  0.0001535334304207936, 0.0001535334304207936, 0.0001535334304207936, 0.0001535334304207936,
], 16);

@inline function e2c(i: i32): v128 {
  return v128.load(E2_C + (<usize>i << 4));
}

/**
 * 2^t for 4 lanes (t clamped to [-126, 127]), the per-update exp of the scan. A scan step is
 * bound by this function's latency (the scheduler fills up with waiting steps), so the
 * polynomial is evaluated in Estrin form (depth 5 instead of Horner's 12), rounding uses the
 * 1.5·2^23 magic add (cheaper than nearest + trunc_sat in V8), and the constants come from a
 * table (V8 rebuilds each v128.const with several instructions at every use). pmin/pmax are
 * single minps/maxps, unlike the NaN-exact f32x4.min/max.
 */
@inline export function exp2Fast(t: v128): v128 {
  t = f32x4.pmax(f32x4.pmin(t, e2c(0)), e2c(1));
  const magic = e2c(2);
  const tm = f32x4.add(t, magic);
  const f = f32x4.sub(t, f32x4.sub(tm, magic));
  const f2 = f32x4.mul(f, f);
  const f4 = f32x4.mul(f2, f2);
  const a = f32x4.add(e2c(3), f32x4.mul(e2c(4), f));
  const b = f32x4.add(e2c(5), f32x4.mul(e2c(6), f));
  const c = f32x4.add(f32x4.add(e2c(7), f32x4.mul(e2c(8), f)), f32x4.mul(e2c(9), f2));
  const q = f32x4.add(f32x4.add(a, f32x4.mul(f2, b)), f32x4.mul(f4, c));
  // The low mantissa bits of tm hold round(t); shifting them into the exponent field drops the
  // magic's own bits (they sit above bit 9). 127 << 23 is the bit pattern of 1.0f.
  return f32x4.mul(q, i32x4.add(i32x4.shl(tm, 23), e2c(3)));
}

/** log(w) for w in [1, 2] (Cephes logf after its range reduction). */
@inline function log12(w: v128): v128 {
  const big = f32x4.gt(w, f32x4.splat(1.41421356));
  const e = v128.and(big, f32x4.splat(1.0));
  w = v128.bitselect(f32x4.mul(w, f32x4.splat(0.5)), w, big);
  const x = f32x4.sub(w, f32x4.splat(1.0));
  const z = f32x4.mul(x, x);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, x), z);
  y = f32x4.add(y, f32x4.mul(e, f32x4.splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(x, y), f32x4.mul(e, f32x4.splat(0.693359375)));
}

/** softplus(x) = max(x, 0) + log1p(exp(-|x|)), with log1p(e) = log(1+e)·e/((1+e)-1) (exact for tiny e). */
@inline export function softplusv(x: v128): v128 {
  const e = exp2Fast(f32x4.mul(f32x4.neg(f32x4.abs(x)), f32x4.splat(LOG2E)));
  const w = f32x4.add(f32x4.splat(1.0), e);
  const wm1 = f32x4.sub(w, f32x4.splat(1.0));
  const same = f32x4.eq(wm1, f32x4.splat(0.0));
  const ratio = v128.bitselect(f32x4.splat(1.0), f32x4.div(e, v128.bitselect(f32x4.splat(1.0), wm1, same)), same);
  const l1p = v128.bitselect(e, f32x4.mul(log12(w), ratio), same);
  return f32x4.add(f32x4.max(x, f32x4.splat(0.0)), l1p);
}

/** σ(x) = 1 / (1 + exp(-x)). */
@inline export function sigmoidv(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), exp2Fast(f32x4.mul(x, f32x4.splat(-LOG2E)))));
}

/**
 * Sums of 4 vectors' lanes, as one vector [Σa, Σb, Σc, Σd] (a 4x4 transpose-add).
 */
@inline export function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const p = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const q = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  // p = [a0+a2, b0+b2, a1+a3, b1+b3]
  return f32x4.add(v128.shuffle<f32>(p, q, 0, 1, 4, 5), v128.shuffle<f32>(p, q, 2, 3, 6, 7));
}
