// Shared pieces of the selective-scan kernels: parameter block slots, layout moves, unit geometry.
import { softplusv, hsum4 } from './_ss_math';

// Parameter block (i32 slots).
export const P_BT = 0, P_D = 1, P_L = 2, P_N = 3, P_G = 4, P_FLAGS = 5;
export const P_U = 6, P_DELTA = 7, P_A = 8, P_B = 9, P_C = 10, P_DV = 11, P_Z = 12, P_BIAS = 13;
export const P_INIT = 14, P_MASK = 15, P_Y = 16, P_LAST = 17;
export const P_DY = 18, P_DLAST = 19, P_DU = 20, P_DDELTA = 21, P_DA = 22, P_DB = 23, P_DC = 24;
export const P_DD = 25, P_DZ = 26, P_DBIAS = 27, P_DINIT = 28;

export const F_SOFTPLUS = 1, F_REVERSE = 2;

/** Bytes of scratch one thread needs: 13 buffers of (L+1, 4) f32. */
export function scratchBytes(L: i32): i32 {
  return 13 * ((L + 1) << 4);
}

@inline export function pi(P: usize, slot: i32): i32 {
  return load<i32>(P + (<usize>slot << 2));
}
@inline export function pp(P: usize, slot: i32): usize {
  return <usize>load<i32>(P + (<usize>slot << 2));
}

/** 4x4 transpose: returns row k of the transpose of (r0; r1; r2; r3). */
@inline function tr(r0: v128, r1: v128, r2: v128, r3: v128, k: i32): v128 {
  if (k < 2) {
    const a = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), b = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    return k == 0 ? v128.shuffle<f32>(a, b, 0, 1, 4, 5) : v128.shuffle<f32>(a, b, 2, 3, 6, 7);
  }
  const a = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), b = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  return k == 2 ? v128.shuffle<f32>(a, b, 0, 1, 4, 5) : v128.shuffle<f32>(a, b, 2, 3, 6, 7);
}

/** Moves 4 full rows (L) <-> (L, 4) with 4x4 transposes, up to the last multiple of 4 of L; returns it. */
@inline function transpose4(rows: usize, rowStride: usize, lanes4: usize, L: i32, toLanes: bool): i32 {
  let t = 0;
  for (; t + 4 <= L; t += 4) {
    const ro = rows + (<usize>t << 2), lo = lanes4 + (<usize>t << 4);
    if (toLanes) {
      const r0 = v128.load(ro), r1 = v128.load(ro + rowStride), r2 = v128.load(ro + 2 * rowStride), r3 = v128.load(ro + 3 * rowStride);
      v128.store(lo, tr(r0, r1, r2, r3, 0));
      v128.store(lo + 16, tr(r0, r1, r2, r3, 1));
      v128.store(lo + 32, tr(r0, r1, r2, r3, 2));
      v128.store(lo + 48, tr(r0, r1, r2, r3, 3));
    } else {
      const r0 = v128.load(lo), r1 = v128.load(lo + 16), r2 = v128.load(lo + 32), r3 = v128.load(lo + 48);
      v128.store(ro, tr(r0, r1, r2, r3, 0));
      v128.store(ro + rowStride, tr(r0, r1, r2, r3, 1));
      v128.store(ro + 2 * rowStride, tr(r0, r1, r2, r3, 2));
      v128.store(ro + 3 * rowStride, tr(r0, r1, r2, r3, 3));
    }
  }
  return t;
}

/** Copies channels d0..d0+nv-1 of a (D, L) row-major slab into lanes of dst (L, 4); other lanes get 0. */
export function gather(src: usize, L: i32, d0: i32, nv: i32, rev: bool, dst: usize): void {
  const t0 = nv == 4 && !rev && src != 0 ? transpose4(src + (<usize>(d0 * L) << 2), <usize>L << 2, dst, L, true) : 0;
  for (let k = 0; k < 4; k++) {
    const lane = dst + (<usize>k << 2);
    if (k >= nv || src == 0) {
      for (let t = t0; t < L; t++) store<f32>(lane + (<usize>t << 4), 0);
      continue;
    }
    const row = src + (<usize>((d0 + k) * L) << 2);
    if (rev) for (let t = t0; t < L; t++) store<f32>(lane + (<usize>t << 4), load<f32>(row + (<usize>(L - 1 - t) << 2)));
    else for (let t = t0; t < L; t++) store<f32>(lane + (<usize>t << 4), load<f32>(row + (<usize>t << 2)));
  }
}

/** Inverse of gather for the nv valid lanes. */
export function scatter(src: usize, L: i32, d0: i32, nv: i32, rev: bool, dst: usize): void {
  const t0 = nv == 4 && !rev ? transpose4(dst + (<usize>(d0 * L) << 2), <usize>L << 2, src, L, false) : 0;
  for (let k = 0; k < nv; k++) {
    const lane = src + (<usize>k << 2);
    const row = dst + (<usize>((d0 + k) * L) << 2);
    if (rev) for (let t = t0; t < L; t++) store<f32>(row + (<usize>(L - 1 - t) << 2), load<f32>(lane + (<usize>t << 4)));
    else for (let t = t0; t < L; t++) store<f32>(row + (<usize>t << 2), load<f32>(lane + (<usize>t << 4)));
  }
}

/** 4 lanes from a strided f32 array (lane k at base + k*stride elements), 0 past nv or when base is 0. */
@inline export function lanes(base: usize, stride: i32, nv: i32): v128 {
  let v = f32x4.splat(0);
  if (base == 0) return v;
  v = f32x4.replace_lane(v, 0, load<f32>(base));
  if (nv > 1) v = f32x4.replace_lane(v, 1, load<f32>(base + (<usize>stride << 2)));
  if (nv > 2) v = f32x4.replace_lane(v, 2, load<f32>(base + (<usize>(2 * stride) << 2)));
  if (nv > 3) v = f32x4.replace_lane(v, 3, load<f32>(base + (<usize>(3 * stride) << 2)));
  return v;
}

@inline export function putLanes(v: v128, base: usize, stride: i32, nv: i32): void {
  store<f32>(base, f32x4.extract_lane(v, 0));
  if (nv > 1) store<f32>(base + (<usize>stride << 2), f32x4.extract_lane(v, 1));
  if (nv > 2) store<f32>(base + (<usize>(2 * stride) << 2), f32x4.extract_lane(v, 2));
  if (nv > 3) store<f32>(base + (<usize>(3 * stride) << 2), f32x4.extract_lane(v, 3));
}

/** dt4 <- (softplus?)(delta4 + bias4), in place; du4 <- dt4 * u4. */
@inline export function prepDelta(dt4: usize, u4: usize, du4: usize, bias: v128, softplus: bool, L: i32): void {
  for (let t = 0; t < L; t++) {
    const o = <usize>t << 4;
    let d = f32x4.add(v128.load(dt4 + o), bias);
    if (softplus) d = softplusv(d);
    v128.store(dt4 + o, d);
    v128.store(du4 + o, f32x4.mul(d, v128.load(u4 + o)));
  }
}

/** Work-unit geometry: unit j of batch row b -> group g, first channel d0, valid lanes nv. */
@inline export function unitGroup(D: i32, G: i32, j: i32): i32 {
  const nbg = (D / G + 3) >> 2;
  return j / nbg;
}
@inline export function unitD0(D: i32, G: i32, j: i32): i32 {
  const Dg = D / G;
  const nbg = (Dg + 3) >> 2;
  return (j / nbg) * Dg + (j % nbg) * 4;
}
@inline export function unitLanes(D: i32, G: i32, j: i32): i32 {
  const Dg = D / G;
  const nbg = (Dg + 3) >> 2;
  return min(4, Dg - (j % nbg) * 4);
}

/** Channel blocks per batch row (the host splits [0, this) across threads). */
export function unitsPerBatch(D: i32, G: i32): i32 {
  return G * ((D / G + 3) >> 2);
}

/** Adds the lanes of v4 (L, 4) into row (L): row[t] += Σ_k v4[t][k], 4 steps at a time. */
export function addLaneSums(v4: usize, row: usize, L: i32): void {
  let t = 0;
  for (; t + 4 <= L; t += 4) {
    const o = <usize>t << 4;
    const s = hsum4(v128.load(v4 + o), v128.load(v4 + o + 16), v128.load(v4 + o + 32), v128.load(v4 + o + 48));
    const r = row + (<usize>t << 2);
    v128.store(r, f32x4.add(v128.load(r), s));
  }
  for (; t < L; t++) {
    const v = v128.load(v4 + (<usize>t << 4));
    const r = row + (<usize>t << 2);
    store<f32>(r, load<f32>(r) + f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  }
}

