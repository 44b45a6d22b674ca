// Real-signal helpers around the complex FFT (see _fft.ts): packing a real signal of length
// n = 2N as N complex values, splitting / merging the two half spectra, unpacking the result.

/** zr[t] = src[2t], zi[t] = src[2t+1] for indices < len, zero up to N (len <= 2N). */
export function loadReal(src: usize, len: i32, zr: usize, zi: usize, N: i32): void {
  let t = 0;
  for (; 2 * t + 8 <= len; t += 4) {
    const a = v128.load(src + (<usize>(2 * t) << 2));
    const b = v128.load(src + (<usize>(2 * t + 4) << 2));
    v128.store(zr + (<usize>t << 2), v128.shuffle<f32>(a, b, 0, 2, 4, 6));
    v128.store(zi + (<usize>t << 2), v128.shuffle<f32>(a, b, 1, 3, 5, 7));
  }
  for (; t < N; t++) {
    const e = 2 * t;
    store<f32>(zr + (<usize>t << 2), e < len ? load<f32>(src + (<usize>e << 2)) : 0);
    store<f32>(zi + (<usize>t << 2), e + 1 < len ? load<f32>(src + (<usize>(e + 1) << 2)) : 0);
  }
}

/**
 * dst[l] = scale * x[l] + d * skip[l] for l < len, where x[2t] = zr[t], x[2t+1] = zi[t]
 * (skip is read only when d != 0).
 */
export function storeReal(zr: usize, zi: usize, dst: usize, len: i32, scale: f32, d: f32, skip: usize): void {
  const sv = f32x4.splat(scale);
  const dv = f32x4.splat(d);
  const useSkip = d != 0;
  let t = 0;
  for (; 2 * t + 8 <= len; t += 4) {
    const re = v128.load(zr + (<usize>t << 2));
    const im = v128.load(zi + (<usize>t << 2));
    const o = <usize>(2 * t) << 2;
    let lo = f32x4.mul(v128.shuffle<f32>(re, im, 0, 4, 1, 5), sv);
    let hi = f32x4.mul(v128.shuffle<f32>(re, im, 2, 6, 3, 7), sv);
    if (useSkip) {
      lo = f32x4.add(lo, f32x4.mul(dv, v128.load(skip + o)));
      hi = f32x4.add(hi, f32x4.mul(dv, v128.load(skip + o + 16)));
    }
    v128.store(dst + o, lo);
    v128.store(dst + o + 16, hi);
  }
  for (let l = 2 * t; l < len; l++) {
    const h = l >> 1;
    let v = scale * load<f32>((l & 1 ? zi : zr) + (<usize>h << 2));
    if (useSkip) v += d * load<f32>(skip + (<usize>l << 2));
    store<f32>(dst + (<usize>l << 2), v);
  }
}

@inline function rev(v: v128): v128 {
  return v128.shuffle<f32>(v, v, 3, 2, 1, 0);
}

/**
 * Splits the size-N complex FFT Z of the packed signal into the real signal's half spectrum
 * X[0..N]: X[k] = E[k] + W^k O[k], E = (Z[k] + conj Z[N-k]) / 2, O = (Z[k] - conj Z[N-k]) / 2i.
 */
export function realPost(zr: usize, zi: usize, N: i32, rtwr: usize, rtwi: usize, xr: usize, xi: usize): void {
  const z0r = load<f32>(zr), z0i = load<f32>(zi);
  store<f32>(xr, z0r + z0i);
  store<f32>(xi, 0);
  store<f32>(xr + (<usize>N << 2), z0r - z0i);
  store<f32>(xi + (<usize>N << 2), 0);
  const half = f32x4.splat(0.5);
  let k = 1;
  for (; k + 3 <= N - 1; k += 4) {
    const o = <usize>k << 2;
    const on = <usize>(N - k - 3) << 2;
    const ar = v128.load(zr + o), ai = v128.load(zi + o);
    const br = rev(v128.load(zr + on)), bi = f32x4.neg(rev(v128.load(zi + on))); // conj Z[N-k]
    const er = f32x4.mul(half, f32x4.add(ar, br)), ei = f32x4.mul(half, f32x4.add(ai, bi));
    // O = (a - b) / 2i = ((ai - bi) / 2, -(ar - br) / 2)
    const or = f32x4.mul(half, f32x4.sub(ai, bi)), oi = f32x4.mul(half, f32x4.sub(br, ar));
    const wr = v128.load(rtwr + o), wi = v128.load(rtwi + o);
    v128.store(xr + o, f32x4.add(er, f32x4.sub(f32x4.mul(wr, or), f32x4.mul(wi, oi))));
    v128.store(xi + o, f32x4.add(ei, f32x4.add(f32x4.mul(wr, oi), f32x4.mul(wi, or))));
  }
  const hf: f32 = 0.5;
  for (; k < N; k++) {
    const o = <usize>k << 2;
    const on = <usize>(N - k) << 2;
    const ar = load<f32>(zr + o), ai = load<f32>(zi + o);
    const br = load<f32>(zr + on), bi = -load<f32>(zi + on);
    const er = hf * (ar + br), ei = hf * (ai + bi);
    const or = hf * (ai - bi), oi = hf * (br - ar);
    const wr = load<f32>(rtwr + o), wi = load<f32>(rtwi + o);
    store<f32>(xr + o, er + wr * or - wi * oi);
    store<f32>(xi + o, ei + wr * oi + wi * or);
  }
}

/**
 * Inverse of realPost: from a half spectrum X[0..N] builds Z[k] = E[k] + i O[k] (k < N) with
 * E = (X[k] + conj X[N-k]) / 2, O = (X[k] - conj X[N-k]) / 2 · W^-k, so that the inverse size-N
 * complex FFT of Z is N · (x[2t] + i x[2t+1]).
 */
export function realPre(xr: usize, xi: usize, N: i32, rtwr: usize, rtwi: usize, zr: usize, zi: usize): void {
  const half = f32x4.splat(0.5);
  let k = 0;
  for (; k + 4 <= N; k += 4) {
    const o = <usize>k << 2;
    const on = <usize>(N - k - 3) << 2;
    const ar = v128.load(xr + o), ai = v128.load(xi + o);
    const br = rev(v128.load(xr + on)), bi = f32x4.neg(rev(v128.load(xi + on))); // conj X[N-k]
    const er = f32x4.mul(half, f32x4.add(ar, br)), ei = f32x4.mul(half, f32x4.add(ai, bi));
    const dr = f32x4.mul(half, f32x4.sub(ar, br)), di = f32x4.mul(half, f32x4.sub(ai, bi));
    const wr = v128.load(rtwr + o), wi = v128.load(rtwi + o);
    // O = d · conj(W^k)
    const or = f32x4.add(f32x4.mul(dr, wr), f32x4.mul(di, wi));
    const oi = f32x4.sub(f32x4.mul(di, wr), f32x4.mul(dr, wi));
    v128.store(zr + o, f32x4.sub(er, oi));
    v128.store(zi + o, f32x4.add(ei, or));
  }
  const hf: f32 = 0.5;
  for (; k < N; k++) {
    const o = <usize>k << 2;
    const on = <usize>(N - k) << 2;
    const ar = load<f32>(xr + o), ai = load<f32>(xi + o);
    const br = load<f32>(xr + on), bi = -load<f32>(xi + on);
    const er = hf * (ar + br), ei = hf * (ai + bi);
    const dr = hf * (ar - br), di = hf * (ai - bi);
    const wr = load<f32>(rtwr + o), wi = load<f32>(rtwi + o);
    const or = dr * wr + di * wi, oi = di * wr - dr * wi;
    store<f32>(zr + o, er - oi);
    store<f32>(zi + o, ei + or);
  }
}
