// Mamba S6 selective scan, forward and backward, 4 channels per SIMD vector.
// Work unit: one batch row b and one block of 4 channels of one B/C group; the host (or a worker
// pool) splits units across threads. Lanes are channels, so B_t[n] and C_t[n] are splats and y
// needs no horizontal sum. For each state index n the recurrence over t is a chain of 4-lane
// multiply-adds, so only an (L, 4) slice of state is ever live: the backward recomputes that
// slice for one n, then walks it backwards. Scratch is O(L) per thread, independent of N.
//
// Raw layouts (f32 unless noted; byte pointers; the host copies tensors in as they are):
//   u, delta, z, y, dy, du, ddelta, dz: (Bt, D, L)   A, dA: (D, N) (dA is per batch: (Bt, D, N))
//   B, C, dB, dC: (Bt, G, N, L), already in scan order (the host reverses them when `reverse`)
//   Dv, bias: (D)   dD, dbias: (Bt, D) per-batch partial sums
//   init, last, dlast, dinit: (Bt, D, N)   mask: (Bt, L) in scan order, 0 where the state resets.
import { exp2Fast, sigmoidv, toLog2 } from './_ss_math';

import {
  P_D, P_L, P_N, P_G, P_FLAGS, P_U, P_DELTA, P_A, P_B, P_C, P_DV, P_Z, P_BIAS, P_INIT, P_MASK, P_Y, P_LAST,
  F_SOFTPLUS, F_REVERSE, pi, pp, gather, scatter, lanes, putLanes, prepDelta, unitGroup, unitD0, unitLanes,
} from './_ss_common';

// One state index n over t: x_t = 2^(dt_t·A2) x_{t-1} + du_t B_t (A2 = A·log2 e), y_t += x_t C_t;
// the final x goes to `last` (lanes N apart) when non-zero. Two copies (with and without segment
// resets) keep the reset multiply off the common path.
@inline function scanStep(x: v128, a: v128, o: usize, s: usize, du4: usize, Bp: usize, Cp: usize, y4: usize): v128 {
  x = f32x4.add(f32x4.mul(a, x), f32x4.mul(v128.load(du4 + o), v128.load32_splat(Bp + s)));
  v128.store(y4 + o, f32x4.add(v128.load(y4 + o), f32x4.mul(x, v128.load32_splat(Cp + s))));
  return x;
}

function scanPlain(x: v128, A2: v128, dt4: usize, du4: usize, Bp: usize, Cp: usize, y4: usize, L: i32,
  last: usize, N: i32, nv: i32): void {
  for (let t = 0; t < L; t++) {
    const o = <usize>t << 4, s = <usize>t << 2;
    x = scanStep(x, exp2Fast(f32x4.mul(v128.load(dt4 + o), A2)), o, s, du4, Bp, Cp, y4);
  }
  if (last != 0) putLanes(x, last, N, nv);
}

function scanMasked(x: v128, A2: v128, dt4: usize, du4: usize, Bp: usize, Cp: usize, mask: usize, y4: usize,
  L: i32, last: usize, N: i32, nv: i32): void {
  for (let t = 0; t < L; t++) {
    const o = <usize>t << 4, s = <usize>t << 2;
    const a = f32x4.mul(exp2Fast(f32x4.mul(v128.load(dt4 + o), A2)), v128.load32_splat(mask + s));
    x = scanStep(x, a, o, s, du4, Bp, Cp, y4);
  }
  if (last != 0) putLanes(x, last, N, nv);
}

/** Forward for batch row b, units [j0, j1). `S` is this thread's scratch. */
export function forwardUnits(P: usize, b: i32, j0: i32, j1: i32, S: usize): void {
  const D = pi(P, P_D), L = pi(P, P_L), N = pi(P, P_N), G = pi(P, P_G), flags = pi(P, P_FLAGS);
  const rev = (flags & F_REVERSE) != 0;
  const buf = <usize>(L + 1) << 4;
  const u4 = S, dt4 = S + buf, du4 = S + 2 * buf, y4 = S + 3 * buf;
  const slab = <usize>(b * D * L) << 2;
  const A = pp(P, P_A), Dv = pp(P, P_DV), bias = pp(P, P_BIAS), init = pp(P, P_INIT), last = pp(P, P_LAST);
  const z = pp(P, P_Z);
  const mask = pp(P, P_MASK) == 0 ? 0 : pp(P, P_MASK) + (<usize>(b * L) << 2);
  for (let j = j0; j < j1; j++) {
    const g = unitGroup(D, G, j), d0 = unitD0(D, G, j), nv = unitLanes(D, G, j);
    gather(pp(P, P_U) + slab, L, d0, nv, rev, u4);
    gather(pp(P, P_DELTA) + slab, L, d0, nv, rev, dt4);
    const bias4 = lanes(bias == 0 ? 0 : bias + (<usize>d0 << 2), 1, nv);
    prepDelta(dt4, u4, du4, bias4, (flags & F_SOFTPLUS) != 0, L);
    memory.fill(y4, 0, <usize>L << 4);
    for (let n = 0; n < N; n++) {
      const A4 = lanes(A + (<usize>(d0 * N + n) << 2), N, nv);
      const lastOff = <usize>((b * D + d0) * N + n) << 2;
      const x = lanes(init == 0 ? 0 : init + lastOff, N, nv);
      const rowOff = <usize>(((b * G + g) * N + n) * L) << 2;
      const Bp = pp(P, P_B) + rowOff, Cp = pp(P, P_C) + rowOff;
      if (mask != 0) scanMasked(x, toLog2(A4), dt4, du4, Bp, Cp, mask, y4, L, last == 0 ? 0 : last + lastOff, N, nv);
      else scanPlain(x, toLog2(A4), dt4, du4, Bp, Cp, y4, L, last == 0 ? 0 : last + lastOff, N, nv);
    }
    // out = (y + D u) * silu(z); z is gathered into dt4 (no longer needed).
    const D4 = lanes(Dv == 0 ? 0 : Dv + (<usize>d0 << 2), 1, nv);
    if (z != 0) gather(z + slab, L, d0, nv, rev, dt4);
    for (let t = 0; t < L; t++) {
      const o = <usize>t << 4;
      let out = f32x4.add(v128.load(y4 + o), f32x4.mul(D4, v128.load(u4 + o)));
      if (z != 0) {
        const zz = v128.load(dt4 + o);
        out = f32x4.mul(out, f32x4.mul(zz, sigmoidv(zz)));
      }
      v128.store(y4 + o, out);
    }
    scatter(y4, L, d0, nv, rev, pp(P, P_Y) + slab);
  }
}

/** Reverses each of `rows` rows of length L in place (for reverse scans of B, C, dB, dC). */
export function reverseRows(p: usize, rows: i32, L: i32): void {
  for (let r = 0; r < rows; r++) {
    let lo = p + (<usize>(r * L) << 2);
    let hi = lo + (<usize>(L - 1) << 2);
    while (lo < hi) {
      const v = load<f32>(lo);
      store<f32>(lo, load<f32>(hi));
      store<f32>(hi, v);
      lo += 4;
      hi -= 4;
    }
  }
}

export { scratchBytes, unitsPerBatch } from './_ss_common';
export { backwardUnits } from './_ss_backward';
