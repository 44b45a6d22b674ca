// Hand-written real FFT for the fft_conv module (AssemblyScript, f32x4 SIMD).
// Why by hand: JS FFT libraries cannot run inside our wasm module, and tfjs-backend-wasm has no FFT.
//
// Complex FFT: iterative Stockham autosort (out-of-place ping-pong, so no bit reversal), in split
// format (separate re / im arrays, so 4 consecutive complex values fill one f32x4 per part).
// Stages: a first radix-4 stage with stride 1, vectorized across butterflies (outputs transposed
// with lane shuffles; N = 8 uses two radix-2 stages instead), then radix-4 stages vectorized across
// the stride (half the memory passes of radix-2), and a last radix-2 stage when log2(N) is odd.
// Sizes below 8 use a scalar radix-2.
// Real FFT of size n = 2N: the even / odd samples are the re / im parts of a size-N complex FFT,
// then one O(N) post-processing pass splits the two spectra (and the inverse pre-processes).

// ---- tables ------------------------------------------------------------------------------------

/**
 * tw[j] = exp(-2πi j / N) for j < N (complex FFT); tw3 = [w^2p, w^3p] re / im blocks for p < N/4
 * (contiguous twiddles for the first radix-4 stage; each block holds r4(N/4) floats);
 * rtw[k] = exp(-2πi k / 2N) for k <= N (real post-processing).
 */
export function fillTables(N: i32, twr: usize, twi: usize, tw3: usize, rtwr: usize, rtwi: usize): void {
  for (let j = 0; j < N; j++) {
    const t = (-2.0 * Math.PI * <f64>j) / <f64>N;
    store<f32>(twr + (<usize>j << 2), <f32>Math.cos(t));
    store<f32>(twi + (<usize>j << 2), <f32>Math.sin(t));
  }
  const qb = <usize>quarterFloats(N) << 2;
  for (let p = 0; p < N >> 2; p++) {
    const t = (-2.0 * Math.PI * <f64>p) / <f64>N;
    const o = <usize>p << 2;
    store<f32>(tw3 + o, <f32>Math.cos(2 * t));
    store<f32>(tw3 + qb + o, <f32>Math.sin(2 * t));
    store<f32>(tw3 + 2 * qb + o, <f32>Math.cos(3 * t));
    store<f32>(tw3 + 3 * qb + o, <f32>Math.sin(3 * t));
  }
  for (let k = 0; k <= N; k++) {
    const t = (-Math.PI * <f64>k) / <f64>N;
    store<f32>(rtwr + (<usize>k << 2), <f32>Math.cos(t));
    store<f32>(rtwi + (<usize>k << 2), <f32>Math.sin(t));
  }
}

/** Floats in each of the 4 first-stage twiddle blocks (tw3 holds 4 of them). */
export function quarterFloats(N: i32): i32 {
  return ((N >> 2) + 4) & ~3;
}

// ---- complex FFT stages ------------------------------------------------------------------------

@inline function cmulRe(ar: v128, ai: v128, br: v128, bi: v128): v128 {
  return f32x4.sub(f32x4.mul(ar, br), f32x4.mul(ai, bi));
}
@inline function cmulIm(ar: v128, ai: v128, br: v128, bi: v128): v128 {
  return f32x4.add(f32x4.mul(ar, bi), f32x4.mul(ai, br));
}

/** Scalar radix-2 Stockham stage (any size): ncur = current length, s = stride. */
function stage2Scalar(xr: usize, xi: usize, yr: usize, yi: usize, ncur: i32, s: i32, twr: usize, twi: usize): void {
  const m = ncur >> 1;
  for (let p = 0; p < m; p++) {
    const wr = load<f32>(twr + (<usize>(p * s) << 2));
    const wi = load<f32>(twi + (<usize>(p * s) << 2));
    for (let q = 0; q < s; q++) {
      const ia = <usize>(q + s * p) << 2;
      const ib = <usize>(q + s * (p + m)) << 2;
      const ar = load<f32>(xr + ia), ai = load<f32>(xi + ia);
      const br = load<f32>(xr + ib), bi = load<f32>(xi + ib);
      const o0 = <usize>(q + s * 2 * p) << 2;
      const o1 = <usize>(q + s * (2 * p + 1)) << 2;
      store<f32>(yr + o0, ar + br);
      store<f32>(yi + o0, ai + bi);
      const dr = ar - br, di = ai - bi;
      store<f32>(yr + o1, dr * wr - di * wi);
      store<f32>(yi + o1, dr * wi + di * wr);
    }
  }
}

/** First radix-2 stage (s = 1, ncur = N >= 8): 4 butterflies per vector, outputs interleaved. */
function stage2S1(xr: usize, xi: usize, yr: usize, yi: usize, N: i32, twr: usize, twi: usize): void {
  const m = N >> 1;
  const mb = <usize>m << 2;
  for (let p = 0; p < m; p += 4) {
    const o = <usize>p << 2;
    const ar = v128.load(xr + o), ai = v128.load(xi + o);
    const br = v128.load(xr + o + mb), bi = v128.load(xi + o + mb);
    const wr = v128.load(twr + o), wi = v128.load(twi + o);
    const er = f32x4.add(ar, br), ei = f32x4.add(ai, bi);
    const dr = f32x4.sub(ar, br), di = f32x4.sub(ai, bi);
    const or = cmulRe(dr, di, wr, wi), oi = cmulIm(dr, di, wr, wi);
    // y[2p] = e, y[2p+1] = o
    const out = o << 1;
    v128.store(yr + out, v128.shuffle<f32>(er, or, 0, 4, 1, 5));
    v128.store(yr + out + 16, v128.shuffle<f32>(er, or, 2, 6, 3, 7));
    v128.store(yi + out, v128.shuffle<f32>(ei, oi, 0, 4, 1, 5));
    v128.store(yi + out + 16, v128.shuffle<f32>(ei, oi, 2, 6, 3, 7));
  }
}

/** Second radix-2 stage (s = 2, ncur = N/2): two p's per vector; twiddle w_N^(2p). */
function stage2S2(xr: usize, xi: usize, yr: usize, yi: usize, N: i32, twr: usize, twi: usize): void {
  const m = N >> 2; // butterflies per q at this stage
  const mb = <usize>(2 * m) << 2; // s*m elements
  for (let p = 0; p < m; p += 2) {
    const o = <usize>(2 * p) << 2; // x index q + 2p for q = 0,1 and p, p+1
    const ar = v128.load(xr + o), ai = v128.load(xi + o);
    const br = v128.load(xr + o + mb), bi = v128.load(xi + o + mb);
    const t = <usize>(2 * p) << 2; // tw index 2p and 2p+2
    const wr = v128.shuffle<f32>(v128.load(twr + t), v128.load(twr + t), 0, 0, 2, 2);
    const wi = v128.shuffle<f32>(v128.load(twi + t), v128.load(twi + t), 0, 0, 2, 2);
    const er = f32x4.add(ar, br), ei = f32x4.add(ai, bi);
    const dr = f32x4.sub(ar, br), di = f32x4.sub(ai, bi);
    const or = cmulRe(dr, di, wr, wi), oi = cmulIm(dr, di, wr, wi);
    // y[q + 2*2p] = e(p), y[q + 2(2p+1)] = o(p): [e0 e1 o0 o1] [e2 e3 o2 o3]
    const out = <usize>(4 * p) << 2;
    v128.store(yr + out, v128.shuffle<f32>(er, or, 0, 1, 4, 5));
    v128.store(yr + out + 16, v128.shuffle<f32>(er, or, 2, 3, 6, 7));
    v128.store(yi + out, v128.shuffle<f32>(ei, oi, 0, 1, 4, 5));
    v128.store(yi + out + 16, v128.shuffle<f32>(ei, oi, 2, 3, 6, 7));
  }
}

@inline function transposeStore(dst: usize, y0: v128, y1: v128, y2: v128, y3: v128): void {
  const t0 = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(y2, y3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(y2, y3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + 16, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 32, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 48, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/**
 * First stage as radix-4 (s = 1, ncur = N >= 16): vectorized across 4 butterflies p..p+3, so the
 * outputs y[4p + r] come out transposed (4x4 lane transpose). Replaces two radix-2 passes.
 */
function stage4S1(xr: usize, xi: usize, yr: usize, yi: usize, N: i32, twr: usize, twi: usize, tw3: usize): void {
  const m = N >> 2;
  const mb = <usize>m << 2;
  const qb = <usize>quarterFloats(N) << 2;
  for (let p = 0; p < m; p += 4) {
    const o = <usize>p << 2;
    const ar = v128.load(xr + o), ai = v128.load(xi + o);
    const br = v128.load(xr + o + mb), bi = v128.load(xi + o + mb);
    const cr = v128.load(xr + o + 2 * mb), ci = v128.load(xi + o + 2 * mb);
    const dr = v128.load(xr + o + 3 * mb), di = v128.load(xi + o + 3 * mb);
    const apcR = f32x4.add(ar, cr), apcI = f32x4.add(ai, ci);
    const amcR = f32x4.sub(ar, cr), amcI = f32x4.sub(ai, ci);
    const bpdR = f32x4.add(br, dr), bpdI = f32x4.add(bi, di);
    const jR = f32x4.sub(di, bi), jI = f32x4.sub(br, dr);
    const w1r = v128.load(twr + o), w1i = v128.load(twi + o);
    const w2r = v128.load(tw3 + o), w2i = v128.load(tw3 + qb + o);
    const w3r = v128.load(tw3 + 2 * qb + o), w3i = v128.load(tw3 + 3 * qb + o);
    const y0r = f32x4.add(apcR, bpdR), y0i = f32x4.add(apcI, bpdI);
    const x1r = f32x4.sub(amcR, jR), x1i = f32x4.sub(amcI, jI);
    const x2r = f32x4.sub(apcR, bpdR), x2i = f32x4.sub(apcI, bpdI);
    const x3r = f32x4.add(amcR, jR), x3i = f32x4.add(amcI, jI);
    const out = o << 2;
    transposeStore(yr + out, y0r, cmulRe(x1r, x1i, w1r, w1i), cmulRe(x2r, x2i, w2r, w2i), cmulRe(x3r, x3i, w3r, w3i));
    transposeStore(yi + out, y0i, cmulIm(x1r, x1i, w1r, w1i), cmulIm(x2r, x2i, w2r, w2i), cmulIm(x3r, x3i, w3r, w3i));
  }
}

/** Radix-2 stage vectorized over the stride (s >= 4). Twiddle w_ncur^p = tw[p*s]. */
function stage2Vec(xr: usize, xi: usize, yr: usize, yi: usize, ncur: i32, s: i32, twr: usize, twi: usize): void {
  const m = ncur >> 1;
  const sb = <usize>s << 2;
  const mb = <usize>(s * m) << 2;
  for (let p = 0; p < m; p++) {
    const wr = f32x4.splat(load<f32>(twr + (<usize>(p * s) << 2)));
    const wi = f32x4.splat(load<f32>(twi + (<usize>(p * s) << 2)));
    const ib = <usize>p * sb;
    const ob = ib << 1;
    for (let q: usize = 0; q < sb; q += 16) {
      const ar = v128.load(xr + ib + q), ai = v128.load(xi + ib + q);
      const br = v128.load(xr + ib + mb + q), bi = v128.load(xi + ib + mb + q);
      v128.store(yr + ob + q, f32x4.add(ar, br));
      v128.store(yi + ob + q, f32x4.add(ai, bi));
      const dr = f32x4.sub(ar, br), di = f32x4.sub(ai, bi);
      v128.store(yr + ob + sb + q, cmulRe(dr, di, wr, wi));
      v128.store(yi + ob + sb + q, cmulIm(dr, di, wr, wi));
    }
  }
}

/** Radix-4 stage vectorized over the stride (s >= 4): twiddles w_ncur^(p, 2p, 3p) = tw[(p, 2p, 3p)*s]. */
function stage4Vec(xr: usize, xi: usize, yr: usize, yi: usize, ncur: i32, s: i32, twr: usize, twi: usize): void {
  const m = ncur >> 2;
  const sb = <usize>s << 2;
  const mb = <usize>(s * m) << 2;
  for (let p = 0; p < m; p++) {
    const t1 = <usize>(p * s) << 2;
    const w1r = f32x4.splat(load<f32>(twr + t1)), w1i = f32x4.splat(load<f32>(twi + t1));
    const w2r = f32x4.splat(load<f32>(twr + 2 * t1)), w2i = f32x4.splat(load<f32>(twi + 2 * t1));
    const w3r = f32x4.splat(load<f32>(twr + 3 * t1)), w3i = f32x4.splat(load<f32>(twi + 3 * t1));
    const ib = <usize>p * sb;
    const ob = ib << 2;
    for (let q: usize = 0; q < sb; q += 16) {
      const a = ib + q;
      const ar = v128.load(xr + a), ai = v128.load(xi + a);
      const br = v128.load(xr + a + mb), bi = v128.load(xi + a + mb);
      const cr = v128.load(xr + a + 2 * mb), ci = v128.load(xi + a + 2 * mb);
      const dr = v128.load(xr + a + 3 * mb), di = v128.load(xi + a + 3 * mb);
      const apcR = f32x4.add(ar, cr), apcI = f32x4.add(ai, ci);
      const amcR = f32x4.sub(ar, cr), amcI = f32x4.sub(ai, ci);
      const bpdR = f32x4.add(br, dr), bpdI = f32x4.add(bi, di);
      // j*(b - d) with j = sqrt(-1): (-(bi - di), br - dr)
      const jR = f32x4.sub(di, bi), jI = f32x4.sub(br, dr);
      const o = ob + q;
      v128.store(yr + o, f32x4.add(apcR, bpdR));
      v128.store(yi + o, f32x4.add(apcI, bpdI));
      const x1r = f32x4.sub(amcR, jR), x1i = f32x4.sub(amcI, jI);
      v128.store(yr + o + sb, cmulRe(x1r, x1i, w1r, w1i));
      v128.store(yi + o + sb, cmulIm(x1r, x1i, w1r, w1i));
      const x2r = f32x4.sub(apcR, bpdR), x2i = f32x4.sub(apcI, bpdI);
      v128.store(yr + o + 2 * sb, cmulRe(x2r, x2i, w2r, w2i));
      v128.store(yi + o + 2 * sb, cmulIm(x2r, x2i, w2r, w2i));
      const x3r = f32x4.add(amcR, jR), x3i = f32x4.add(amcI, jI);
      v128.store(yr + o + 3 * sb, cmulRe(x3r, x3i, w3r, w3i));
      v128.store(yi + o + 3 * sb, cmulIm(x3r, x3i, w3r, w3i));
    }
  }
}

/**
 * Forward complex FFT of size N (power of two) of (xr, xi), using (yr, yi) as the other
 * ping-pong buffer. Both may be overwritten. Returns true when the result is in (yr, yi).
 */
export function cfft(xr: usize, xi: usize, yr: usize, yi: usize, N: i32, twr: usize, twi: usize, tw3: usize): bool {
  let inY = false;
  let ncur = N;
  let s = 1;
  if (N < 8) {
    while (ncur > 1) {
      if (inY) stage2Scalar(yr, yi, xr, xi, ncur, s, twr, twi);
      else stage2Scalar(xr, xi, yr, yi, ncur, s, twr, twi);
      inY = !inY;
      ncur >>= 1;
      s <<= 1;
    }
    return inY;
  }
  if (N >= 16) {
    stage4S1(xr, xi, yr, yi, N, twr, twi, tw3);
    inY = true;
  } else {
    stage2S1(xr, xi, yr, yi, N, twr, twi);
    stage2S2(yr, yi, xr, xi, N, twr, twi);
  }
  ncur = N >> 2;
  s = 4;
  while (ncur >= 4) {
    if (inY) stage4Vec(yr, yi, xr, xi, ncur, s, twr, twi);
    else stage4Vec(xr, xi, yr, yi, ncur, s, twr, twi);
    inY = !inY;
    ncur >>= 2;
    s <<= 2;
  }
  if (ncur == 2) {
    if (inY) stage2Vec(yr, yi, xr, xi, ncur, s, twr, twi);
    else stage2Vec(xr, xi, yr, yi, ncur, s, twr, twi);
    inY = !inY;
  }
  return inY;
}
