// Mamba-2 SSD, recurrent form, for one (batch, head) sequence at a time.
// On a CPU the recurrence beats the chunked matmuls: one exp per (b, h, t) and P·N fused
// multiply-adds. The state is kept as (N, P4) with P padded to a multiple of 4 by the host,
// so the SIMD lanes run over P: y needs no horizontal sum and B[n], C[n] are splats.
// Layouts (f32, byte pointers, 0 = absent):
//   x, z, y, dy, dx, dz: (Bt, L, H, P4)   dt, ddt: (Bt, L, H)   A, dA: (H)
//   B, C, dB, dC: (Bt, L, G, N)           D, dD: (H, P4)        init, last, dlast, dinit: (Bt, H, N, P4)
//   mask: (Bt, L) 1 = carry the state from t−1, 0 = reset (segment boundary); 0 pointer = all ones
// dt is the effective step (softplus/bias already applied by the host). A reset is the decay
// multiplied by 0, so the backward needs no special case: G stops there and da is 0.

import { expv, hsum } from '../../../../assembly/simd_math';

@inline function exp1(v: f32): f32 {
  return f32x4.extract_lane(expv(f32x4.splat(v)), 0);
}

/** The decay exp(dt·A) of step t, times the carry mask when there is one. */
@inline function decayAt(mask: usize, b: i32, L: i32, t: i32, dtv: f32, Ah: f32): f32 {
  const a = exp1(dtv * Ah);
  return mask != 0 ? a * load<f32>(mask + (<usize>(b * L + t) << 2)) : a;
}

/** silu(z) = z·σ(z) for 4 lanes. */
@inline function siluv(z: v128): v128 {
  const e = expv(f32x4.neg(z));
  return f32x4.div(z, f32x4.add(f32x4.splat(1.0), e));
}

/** Forward: y = (S_t C_t + D x) · silu(z); last state (optional). */
export function ssdForward(
  x: usize, dt: usize, A: usize, B: usize, C: usize, D: usize, z: usize, init: usize, mask: usize,
  y: usize, last: usize, S: usize,
  Bt: i32, L: i32, H: i32, P4: i32, G: i32, N: i32,
): void {
  const V = P4 >> 2;
  const hpg = H / G;
  const rowX = <usize>(H * P4) << 2; // bytes between consecutive t in x, y, z
  const rowB = <usize>(G * N) << 2;
  const stateBytes = <usize>(N * P4) << 2;
  for (let b = 0; b < Bt; b++) {
    for (let h = 0; h < H; h++) {
      const g = h / hpg;
      const Ah = load<f32>(A + (<usize>h << 2));
      if (init != 0) memory.copy(S, init + <usize>(b * H + h) * stateBytes, stateBytes);
      else memory.fill(S, 0, stateBytes);
      let xp = x + <usize>(b * L * H + h) * (<usize>P4 << 2);
      let zp = z + <usize>(b * L * H + h) * (<usize>P4 << 2);
      let yp = y + <usize>(b * L * H + h) * (<usize>P4 << 2);
      let dtp = dt + (<usize>(b * L * H + h) << 2);
      let bp = B + (<usize>(b * L * G + g) * N << 2);
      let cp = C + (<usize>(b * L * G + g) * N << 2);
      const dp = D + (<usize>(h * P4) << 2);
      for (let t = 0; t < L; t++) {
        const dtv = load<f32>(dtp);
        const a = f32x4.splat(decayAt(mask, b, L, t, dtv, Ah));
        const dtS = f32x4.splat(dtv);
        for (let v = 0; v < V; v++) {
          const off = <usize>v << 4;
          const xv = v128.load(xp + off);
          const u = f32x4.mul(xv, dtS);
          let acc = f32x4.splat(0);
          let sp = S + off;
          for (let n = 0; n < N; n++) {
            const s = f32x4.add(f32x4.mul(v128.load(sp), a), f32x4.mul(u, f32x4.splat(load<f32>(bp + (<usize>n << 2)))));
            v128.store(sp, s);
            acc = f32x4.add(acc, f32x4.mul(s, f32x4.splat(load<f32>(cp + (<usize>n << 2)))));
            sp += <usize>P4 << 2;
          }
          if (D != 0) acc = f32x4.add(acc, f32x4.mul(xv, v128.load(dp + off)));
          if (z != 0) acc = f32x4.mul(acc, siluv(v128.load(zp + off)));
          v128.store(yp + off, acc);
        }
        xp += rowX; zp += rowX; yp += rowX; dtp += <usize>H << 2; bp += rowB; cp += rowB;
      }
      if (last != 0) memory.copy(last + <usize>(b * H + h) * stateBytes, S, stateBytes);
    }
  }
}

/** dst <- a·src + (dt·x) ⊗ B for one step (state only; dst may equal src). */
@inline function stepState(dst: usize, src: usize, xp: usize, bp: usize, dtv: f32, a: f32, V: i32, N: i32, P4: i32): void {
  const av = f32x4.splat(a);
  const dtS = f32x4.splat(dtv);
  for (let v = 0; v < V; v++) {
    const off = <usize>v << 4;
    const u = f32x4.mul(v128.load(xp + off), dtS);
    let sp = src + off;
    let dp = dst + off;
    for (let n = 0; n < N; n++) {
      v128.store(dp, f32x4.add(f32x4.mul(v128.load(sp), av), f32x4.mul(u, f32x4.splat(load<f32>(bp + (<usize>n << 2))))));
      sp += <usize>P4 << 2;
      dp += <usize>P4 << 2;
    }
  }
}

/**
 * Backward. Per (b, h): a forward pass stores the state every K steps (ckpt: ceil(L/K) states);
 * then chunks are walked last to first, each recomputing its K states into buf from its
 * checkpoint and running the adjoint recurrence G_{t-1} = a_t G_t (+ C_{t-1} dy_{t-1}).
 * Scratch: G (N·P4), ckpt (ceil(L/K)·N·P4), buf (K·N·P4), tmp (3·P4). Never (L, N, P).
 * dB, dC, dA, dD are accumulated (zero them first); the others are written.
 */
export function ssdBackward(
  x: usize, dt: usize, A: usize, B: usize, C: usize, D: usize, z: usize, init: usize, mask: usize,
  dy: usize, dlast: usize,
  dx: usize, ddt: usize, dA: usize, dB: usize, dC: usize, dD: usize, dz: usize, dinit: usize,
  Gs: usize, ckpt: usize, buf: usize, tmp: usize,
  Bt: i32, L: i32, H: i32, P4: i32, G: i32, N: i32, K: i32,
): void {
  const V = P4 >> 2;
  const hpg = H / G;
  const rowX = <usize>(H * P4) << 2;
  const rowB = <usize>(G * N) << 2;
  const stateBytes = <usize>(N * P4) << 2;
  const nChunks = (L + K - 1) / K;
  const dygS = tmp; // (P4) gated cotangent of y at step t
  const uS = tmp + (<usize>P4 << 2); // (P4) dt·x
  const dUS = tmp + (<usize>P4 << 3); // (P4) cotangent of dt·x
  for (let b = 0; b < Bt; b++) {
    for (let h = 0; h < H; h++) {
      const g = h / hpg;
      const Ah = load<f32>(A + (<usize>h << 2));
      const headX = <usize>(b * L * H + h) * (<usize>P4 << 2);
      const headDt = <usize>(b * L * H + h) << 2;
      const headB = <usize>(b * L * G + g) * N << 2;
      const dp = D + (<usize>(h * P4) << 2);
      const ddp = dD + (<usize>(h * P4) << 2);
      // 1. checkpoints: ckpt[c] = state before chunk c.
      const S0 = init != 0 ? init + <usize>(b * H + h) * stateBytes : 0;
      if (S0 != 0) memory.copy(ckpt, S0, stateBytes);
      else memory.fill(ckpt, 0, stateBytes);
      for (let c = 0; c + 1 < nChunks; c++) {
        const dst = ckpt + <usize>(c + 1) * stateBytes;
        let src = ckpt + <usize>c * stateBytes;
        for (let t = c * K; t < (c + 1) * K; t++) {
          const dtv = load<f32>(dt + headDt + (<usize>(t * H) << 2));
          stepState(dst, src, x + headX + <usize>t * rowX, B + headB + <usize>t * rowB, dtv, decayAt(mask, b, L, t, dtv, Ah), V, N, P4);
          src = dst;
        }
      }
      // 2. adjoint, chunk by chunk from the end.
      if (dlast != 0) memory.copy(Gs, dlast + <usize>(b * H + h) * stateBytes, stateBytes);
      else memory.fill(Gs, 0, stateBytes);
      let dAacc: f32 = 0;
      for (let c = nChunks - 1; c >= 0; c--) {
        const t0 = c * K;
        const t1 = min(L, t0 + K);
        let prev = ckpt + <usize>c * stateBytes;
        for (let t = t0; t < t1; t++) {
          const cur = buf + <usize>(t - t0) * stateBytes;
          const dtv = load<f32>(dt + headDt + (<usize>(t * H) << 2));
          stepState(cur, prev, x + headX + <usize>t * rowX, B + headB + <usize>t * rowB, dtv, decayAt(mask, b, L, t, dtv, Ah), V, N, P4);
          prev = cur;
        }
        for (let t = t1 - 1; t >= t0; t--) {
          const St = buf + <usize>(t - t0) * stateBytes;
          const Sp = t > t0 ? St - stateBytes : ckpt + <usize>c * stateBytes;
          const xp = x + headX + <usize>t * rowX;
          const zp = z + headX + <usize>t * rowX;
          const dyp = dy + headX + <usize>t * rowX;
          const dxp = dx + headX + <usize>t * rowX;
          const dzp = dz + headX + <usize>t * rowX;
          const bp = B + headB + <usize>t * rowB;
          const cp = C + headB + <usize>t * rowB;
          const dtv = load<f32>(dt + headDt + (<usize>(t * H) << 2));
          const a = decayAt(mask, b, L, t, dtv, Ah);
          const av = f32x4.splat(a);
          const dtS = f32x4.splat(dtv);
          let daV = f32x4.splat(0);
          let dtV = f32x4.splat(0);
          // Phase 1, per lane block: the gated cotangent dyg, u = dt·x, and the D and z terms.
          for (let v = 0; v < V; v++) {
            const off = <usize>v << 4;
            const xv = v128.load(xp + off);
            let dyg = v128.load(dyp + off);
            if (z != 0) {
              // Gate: out = pre · silu(z); pre = S_t C_t + D x is recomputed here.
              let pre = f32x4.splat(0);
              let sp = St + off;
              for (let n = 0; n < N; n++) {
                pre = f32x4.add(pre, f32x4.mul(v128.load(sp), f32x4.splat(load<f32>(cp + (<usize>n << 2)))));
                sp += <usize>P4 << 2;
              }
              if (D != 0) pre = f32x4.add(pre, f32x4.mul(xv, v128.load(dp + off)));
              const zv = v128.load(zp + off);
              const sig = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), expv(f32x4.neg(zv))));
              // silu'(z) = σ(z)·(1 + z·(1 − σ(z)))
              const dsilu = f32x4.mul(sig, f32x4.add(f32x4.splat(1.0), f32x4.mul(zv, f32x4.sub(f32x4.splat(1.0), sig))));
              v128.store(dzp + off, f32x4.mul(f32x4.mul(dyg, pre), dsilu));
              dyg = f32x4.mul(dyg, f32x4.mul(zv, sig));
            }
            if (D != 0) {
              v128.store(ddp + off, f32x4.add(v128.load(ddp + off), f32x4.mul(dyg, xv)));
            }
            v128.store(dygS + off, dyg);
            v128.store(uS + off, f32x4.mul(xv, dtS));
            v128.store(dUS + off, f32x4.splat(0));
          }
          // Phase 2, per state row n (B[n], C[n] splat once; dB[n], dC[n] sums stay in registers):
          // G += C ⊗ dyg; dC = S_t·dyg; dB = G·u; dU += G B; da += G ⊙ S_{t−1}; G <- a G.
          let gp = Gs;
          let sp = St;
          let pp = Sp;
          const dbp = dB + headB + <usize>t * rowB;
          const dcp = dC + headB + <usize>t * rowB;
          for (let n = 0; n < N; n++) {
            const nb = <usize>n << 2;
            const Bn = f32x4.splat(load<f32>(bp + nb));
            const Cn = f32x4.splat(load<f32>(cp + nb));
            let accB = f32x4.splat(0);
            let accC = f32x4.splat(0);
            for (let v = 0; v < V; v++) {
              const off = <usize>v << 4;
              const dyg = v128.load(dygS + off);
              const gv = f32x4.add(v128.load(gp + off), f32x4.mul(Cn, dyg));
              accC = f32x4.add(accC, f32x4.mul(v128.load(sp + off), dyg));
              accB = f32x4.add(accB, f32x4.mul(gv, v128.load(uS + off)));
              v128.store(dUS + off, f32x4.add(v128.load(dUS + off), f32x4.mul(gv, Bn)));
              daV = f32x4.add(daV, f32x4.mul(gv, v128.load(pp + off)));
              v128.store(gp + off, f32x4.mul(gv, av));
            }
            store<f32>(dbp + nb, load<f32>(dbp + nb) + hsum(accB));
            store<f32>(dcp + nb, load<f32>(dcp + nb) + hsum(accC));
            gp += <usize>P4 << 2; sp += <usize>P4 << 2; pp += <usize>P4 << 2;
          }
          // Phase 3: dx = D dyg + dt dU; ddt gets x·dU.
          for (let v = 0; v < V; v++) {
            const off = <usize>v << 4;
            const xv = v128.load(xp + off);
            const dU = v128.load(dUS + off);
            let dxv = f32x4.mul(dU, dtS);
            if (D != 0) dxv = f32x4.add(dxv, f32x4.mul(v128.load(dygS + off), v128.load(dp + off)));
            v128.store(dxp + off, dxv);
            dtV = f32x4.add(dtV, f32x4.mul(dU, xv));
          }
          const da = hsum(daV) * a; // d(loss)/d(dt·A)
          store<f32>(ddt + headDt + (<usize>(t * H) << 2), hsum(dtV) + da * Ah);
          dAacc += da * dtv;
        }
      }
      store<f32>(dA + (<usize>h << 2), load<f32>(dA + (<usize>h << 2)) + dAacc);
      if (dinit != 0) memory.copy(dinit + <usize>(b * H + h) * stateBytes, Gs, stateBytes);
    }
  }
}
