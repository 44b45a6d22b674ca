// Backward of the selective scan for batch row b, channel-block units [j0, j1) (see selective_scan.ts).
// Per unit and state index n: recompute the (L, 4) state slice and the decays a_t, then walk
// t = L-1..0 with h = a_{t+1} g_{t+1} (the gradient flowing into x_t from x_{t+1}):
//   g_t = dy'_t C_t + h;  dC_t += dy'_t x_t;  dB_t += g_t dt_t u_t;  S_t += g_t B_t;
//   w = g_t x_{t-1} a_t;  Q_t += w A;  dA += w dt_t;  h = a_t g_t.
// Afterwards du = dt S + D dy', d(dt) = u S + Q (times σ(delta + bias) under softplus).
// dB/dC rows are shared by every unit of a group: run the units of one (b, g) on one thread.
import { exp2Fast, sigmoidv, toLog2 } from './_ss_math';
import {
  P_D, P_L, P_N, P_G, P_FLAGS, P_U, P_DELTA, P_A, P_B, P_C, P_DV, P_Z, P_BIAS, P_INIT, P_MASK,
  P_DY, P_DLAST, P_DU, P_DDELTA, P_DA, P_DB, P_DC, P_DD, P_DZ, P_DBIAS, P_DINIT,
  F_SOFTPLUS, F_REVERSE, pi, pp, gather, scatter, lanes, putLanes, prepDelta, unitGroup, unitD0, unitLanes,
  addLaneSums,
} from './_ss_common';

/** Recomputes x_t (into xs[1..L], xs[0] = x0) and a_t (into as4); adds x_t C_t to y4 when wantY. */
function recompute(x0: v128, A2: v128, dt4: usize, du4: usize, Bp: usize, Cp: usize, mask: usize,
  xs: usize, as4: usize, y4: usize, wantY: bool, L: i32): void {
  let x = x0;
  v128.store(xs, x);
  if (wantY) {
    for (let t = 0; t < L; t++) {
      const o = <usize>t << 4, s = <usize>t << 2;
      const a = f32x4.mul(exp2Fast(f32x4.mul(v128.load(dt4 + o), A2)), v128.load32_splat(mask + s));
      x = f32x4.add(f32x4.mul(a, x), f32x4.mul(v128.load(du4 + o), v128.load32_splat(Bp + s)));
      v128.store(as4 + o, a);
      v128.store(xs + o + 16, x);
      v128.store(y4 + o, f32x4.add(v128.load(y4 + o), f32x4.mul(x, v128.load32_splat(Cp + s))));
    }
  } else {
    for (let t = 0; t < L; t++) {
      const o = <usize>t << 4, s = <usize>t << 2;
      const a = f32x4.mul(exp2Fast(f32x4.mul(v128.load(dt4 + o), A2)), v128.load32_splat(mask + s));
      x = f32x4.add(f32x4.mul(a, x), f32x4.mul(v128.load(du4 + o), v128.load32_splat(Bp + s)));
      v128.store(as4 + o, a);
      v128.store(xs + o + 16, x);
    }
  }
}

export function backwardUnits(P: usize, b: i32, j0: i32, j1: i32, S: usize): void {
  const D = pi(P, P_D), L = pi(P, P_L), N = pi(P, P_N), G = pi(P, P_G), flags = pi(P, P_FLAGS);
  const rev = (flags & F_REVERSE) != 0, softplus = (flags & F_SOFTPLUS) != 0;
  const buf = <usize>(L + 1) << 4;
  const u4 = S, dt4 = S + buf, du4 = S + 2 * buf, dy4 = S + 3 * buf, z4 = S + 4 * buf, dyp4 = S + 5 * buf;
  const y4 = S + 6 * buf, S4 = S + 7 * buf, Q4 = S + 8 * buf, xs = S + 9 * buf, as4 = S + 10 * buf;
  const gdu4 = S + 11 * buf, dyx4 = S + 12 * buf;
  const slab = <usize>(b * D * L) << 2;
  const A = pp(P, P_A), Dv = pp(P, P_DV), bias = pp(P, P_BIAS), init = pp(P, P_INIT), z = pp(P, P_Z);
  const dlast = pp(P, P_DLAST), dinit = pp(P, P_DINIT), dAp = pp(P, P_DA);
  const mask = pp(P, P_MASK) + (<usize>(b * L) << 2);
  const hasZ = z != 0;
  for (let j = j0; j < j1; j++) {
    const g = unitGroup(D, G, j), d0 = unitD0(D, G, j), nv = unitLanes(D, G, j);
    gather(pp(P, P_U) + slab, L, d0, nv, rev, u4);
    gather(pp(P, P_DELTA) + slab, L, d0, nv, rev, dt4);
    const bias4 = lanes(bias == 0 ? 0 : bias + (<usize>d0 << 2), 1, nv);
    prepDelta(dt4, u4, du4, bias4, softplus, L);
    gather(pp(P, P_DY) + slab, L, d0, nv, rev, dy4);
    if (hasZ) {
      gather(z + slab, L, d0, nv, rev, z4);
      for (let t = 0; t < L; t++) {
        const o = <usize>t << 4;
        const zz = v128.load(z4 + o);
        v128.store(dyp4 + o, f32x4.mul(v128.load(dy4 + o), f32x4.mul(zz, sigmoidv(zz))));
      }
    } else {
      memory.copy(dyp4, dy4, <usize>L << 4);
    }
    memory.fill(y4, 0, <usize>L << 4);
    memory.fill(S4, 0, <usize>L << 4);
    memory.fill(Q4, 0, <usize>L << 4);
    for (let n = 0; n < N; n++) {
      const A4 = lanes(A + (<usize>(d0 * N + n) << 2), N, nv);
      const sOff = <usize>((b * D + d0) * N + n) << 2;
      const x0 = lanes(init == 0 ? 0 : init + sOff, N, nv);
      const rowOff = <usize>(((b * G + g) * N + n) * L) << 2;
      const Bp = pp(P, P_B) + rowOff, Cp = pp(P, P_C) + rowOff;
      recompute(x0, toLog2(A4), dt4, du4, Bp, Cp, mask, xs, as4, y4, hasZ, L);
      let h = lanes(dlast == 0 ? 0 : dlast + sOff, N, nv);
      let dA4 = f32x4.splat(0);
      let xcur = v128.load(xs + (<usize>L << 4));
      for (let t = L - 1; t >= 0; t--) {
        const o = <usize>t << 4, s = <usize>t << 2;
        const dyp = v128.load(dyp4 + o);
        const gt = f32x4.add(f32x4.mul(dyp, v128.load32_splat(Cp + s)), h);
        v128.store(dyx4 + o, f32x4.mul(dyp, xcur));
        v128.store(gdu4 + o, f32x4.mul(gt, v128.load(du4 + o)));
        v128.store(S4 + o, f32x4.add(v128.load(S4 + o), f32x4.mul(gt, v128.load32_splat(Bp + s))));
        const a = v128.load(as4 + o);
        const xprev = v128.load(xs + o);
        const w = f32x4.mul(f32x4.mul(gt, xprev), a);
        v128.store(Q4 + o, f32x4.add(v128.load(Q4 + o), f32x4.mul(w, A4)));
        dA4 = f32x4.add(dA4, f32x4.mul(w, v128.load(dt4 + o)));
        h = f32x4.mul(a, gt);
        xcur = xprev;
      }
      if (dinit != 0) putLanes(h, dinit + sOff, N, nv);
      putLanes(dA4, dAp + sOff, N, nv);
      addLaneSums(gdu4, pp(P, P_DB) + rowOff, L);
      addLaneSums(dyx4, pp(P, P_DC) + rowOff, L);
    }
    // Pointwise tail. The raw delta is regathered into as4 for σ(delta + bias).
    const D4 = lanes(Dv == 0 ? 0 : Dv + (<usize>d0 << 2), 1, nv);
    if (softplus) gather(pp(P, P_DELTA) + slab, L, d0, nv, rev, as4);
    let dD4 = f32x4.splat(0), dbias4 = f32x4.splat(0);
    for (let t = 0; t < L; t++) {
      const o = <usize>t << 4;
      const Sv = v128.load(S4 + o), dyp = v128.load(dyp4 + o), u = v128.load(u4 + o);
      v128.store(du4 + o, f32x4.add(f32x4.mul(v128.load(dt4 + o), Sv), f32x4.mul(D4, dyp)));
      let ddt = f32x4.add(f32x4.mul(u, Sv), v128.load(Q4 + o));
      if (softplus) ddt = f32x4.mul(ddt, sigmoidv(f32x4.add(v128.load(as4 + o), bias4)));
      v128.store(dt4 + o, ddt);
      dbias4 = f32x4.add(dbias4, ddt);
      dD4 = f32x4.add(dD4, f32x4.mul(dyp, u));
      if (hasZ) {
        const zz = v128.load(z4 + o);
        const sg = sigmoidv(zz);
        const dsilu = f32x4.mul(sg, f32x4.add(f32x4.splat(1.0), f32x4.mul(zz, f32x4.sub(f32x4.splat(1.0), sg))));
        const pre = f32x4.add(v128.load(y4 + o), f32x4.mul(D4, u));
        v128.store(z4 + o, f32x4.mul(f32x4.mul(v128.load(dy4 + o), pre), dsilu));
      }
    }
    scatter(du4, L, d0, nv, rev, pp(P, P_DU) + slab);
    scatter(dt4, L, d0, nv, rev, pp(P, P_DDELTA) + slab);
    if (hasZ) scatter(z4, L, d0, nv, rev, pp(P, P_DZ) + slab);
    putLanes(dD4, pp(P, P_DD) + (<usize>(b * D + d0) << 2), 1, nv);
    putLanes(dbias4, pp(P, P_DBIAS) + (<usize>(b * D + d0) << 2), 1, nv);
  }
}
