/**
 * A small float64 eigen-solver for real nonsymmetric matrices (N ≲ 256), used once at layer
 * build time by the S4-PTD initialization: Householder reduction to upper Hessenberg form, then
 * complex single-shift QR iterations (Wilkinson shifts, Givens rotations, deflation) for the
 * eigenvalues, then complex inverse iteration on the original matrix for each eigenvector.
 * Matrices are row-major Float64Arrays of n·n values.
 */

export interface ComplexMatrix {
  re: Float64Array;
  im: Float64Array;
}

/** Householder reduction of a (copied) real matrix to upper Hessenberg form (same eigenvalues). */
export function hessenberg(a: Float64Array, n: number): Float64Array {
  const h = Float64Array.from(a);
  const v = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let alpha = 0;
    for (let i = k + 1; i < n; i++) alpha += h[i * n + k] ** 2;
    alpha = Math.sqrt(alpha);
    if (alpha === 0) continue;
    if (h[(k + 1) * n + k] > 0) alpha = -alpha;
    let vn = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = h[i * n + k] - (i === k + 1 ? alpha : 0);
      vn += v[i] * v[i];
    }
    if (vn === 0) continue;
    // H ← (I − 2vvᵀ/vᵀv) H (I − 2vvᵀ/vᵀv)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i] * h[i * n + j];
      s = (2 * s) / vn;
      for (let i = k + 1; i < n; i++) h[i * n + j] -= s * v[i];
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += h[i * n + j] * v[j];
      s = (2 * s) / vn;
      for (let j = k + 1; j < n; j++) h[i * n + j] -= s * v[j];
    }
    for (let i = k + 2; i < n; i++) h[i * n + k] = 0;
  }
  return h;
}

/** Eigenvalues of a real n×n matrix (re, im), in no particular order. */
export function eigenvalues(a: Float64Array, n: number): { re: Float64Array; im: Float64Array } {
  const hr = hessenberg(a, n);
  const hi = new Float64Array(n * n);
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  const cs = new Float64Array(n);
  const sr = new Float64Array(n);
  const si = new Float64Array(n);
  let hiIdx = n - 1;
  let iter = 0;
  const eps = 2.220446049250313e-16;
  while (hiIdx >= 0) {
    if (hiIdx === 0) {
      outRe[0] = hr[0];
      outIm[0] = hi[0];
      break;
    }
    // Deflation: find the start lo of the unreduced block ending at hiIdx.
    let lo = hiIdx;
    while (lo > 0) {
      const sub = Math.hypot(hr[lo * n + lo - 1], hi[lo * n + lo - 1]);
      const diag = Math.hypot(hr[lo * n + lo], hi[lo * n + lo]) + Math.hypot(hr[(lo - 1) * n + lo - 1], hi[(lo - 1) * n + lo - 1]);
      if (sub <= eps * (diag === 0 ? 1 : diag)) {
        hr[lo * n + lo - 1] = 0;
        hi[lo * n + lo - 1] = 0;
        break;
      }
      lo--;
    }
    if (lo === hiIdx) {
      outRe[hiIdx] = hr[hiIdx * n + hiIdx];
      outIm[hiIdx] = hi[hiIdx * n + hiIdx];
      hiIdx--;
      iter = 0;
      continue;
    }
    if (++iter > 300) throw new Error(`eigenvalues: QR iteration did not converge (n=${n}, at index ${hiIdx})`);
    // Wilkinson shift: the eigenvalue of the trailing 2×2 block nearer its last diagonal entry;
    // an exceptional shift every 11 iterations breaks cycles.
    const p = (hiIdx - 1) * n + hiIdx - 1;
    let [mr, mi] = wilkinson(hr[p], hi[p], hr[p + 1], hi[p + 1], hr[p + n], hi[p + n], hr[p + n + 1], hi[p + n + 1]);
    if (iter % 11 === 0) {
      mr += Math.abs(hr[hiIdx * n + hiIdx - 1]) * 0.75;
      mi += Math.abs(hr[hiIdx * n + hiIdx - 1]) * 0.5;
    }
    for (let k = lo; k <= hiIdx; k++) {
      hr[k * n + k] -= mr;
      hi[k * n + k] -= mi;
    }
    // QR by Givens rotations G_k = [[c, s], [−conj(s), c]] on rows k, k+1 (columns k..hiIdx) ...
    for (let k = lo; k < hiIdx; k++) {
      const ar = hr[k * n + k];
      const ai = hi[k * n + k];
      const br = hr[(k + 1) * n + k];
      const bi = hi[(k + 1) * n + k];
      const na = Math.hypot(ar, ai);
      const r = Math.hypot(na, Math.hypot(br, bi));
      let c = 0;
      let s0 = 1;
      let s1 = 0;
      if (r === 0) s0 = 1;
      else if (na === 0) [c, s0, s1] = [0, br / r, -bi / r];
      else {
        c = na / r;
        // s = (a/|a|)·conj(b)/r
        const ur = ar / na;
        const ui = ai / na;
        s0 = (ur * br + ui * bi) / r;
        s1 = (ui * br - ur * bi) / r;
      }
      cs[k] = c;
      sr[k] = s0;
      si[k] = s1;
      for (let j = k; j <= hiIdx; j++) {
        const xr = hr[k * n + j];
        const xi = hi[k * n + j];
        const yr = hr[(k + 1) * n + j];
        const yi = hi[(k + 1) * n + j];
        hr[k * n + j] = c * xr + s0 * yr - s1 * yi;
        hi[k * n + j] = c * xi + s0 * yi + s1 * yr;
        // −conj(s)·x + c·y
        hr[(k + 1) * n + j] = -(s0 * xr + s1 * xi) + c * yr;
        hi[(k + 1) * n + j] = -(s0 * xi - s1 * xr) + c * yi;
      }
    }
    // ... then RQ: columns k, k+1 times G_kᴴ = [[c, −s], [conj(s), c]].
    for (let k = lo; k < hiIdx; k++) {
      const c = cs[k];
      const s0 = sr[k];
      const s1 = si[k];
      for (let i = lo; i <= Math.min(k + 2, hiIdx); i++) {
        const xr = hr[i * n + k];
        const xi = hi[i * n + k];
        const yr = hr[i * n + k + 1];
        const yi = hi[i * n + k + 1];
        hr[i * n + k] = c * xr + s0 * yr + s1 * yi;
        hi[i * n + k] = c * xi + s0 * yi - s1 * yr;
        hr[i * n + k + 1] = -(s0 * xr - s1 * xi) + c * yr;
        hi[i * n + k + 1] = -(s0 * xi + s1 * xr) + c * yi;
      }
    }
    for (let k = lo; k <= hiIdx; k++) {
      hr[k * n + k] += mr;
      hi[k * n + k] += mi;
    }
  }
  return { re: outRe, im: outIm };
}

/** Eigenvalue of [[a, b], [c, d]] (complex entries) closer to d. */
function wilkinson(ar: number, ai: number, br: number, bi: number, cr: number, ci: number, dr: number, di: number): [number, number] {
  // λ = (a+d)/2 ± sqrt(((a−d)/2)² + bc)
  const hr = (ar - dr) / 2;
  const hi = (ai - di) / 2;
  const qr = hr * hr - hi * hi + (br * cr - bi * ci);
  const qi = 2 * hr * hi + (br * ci + bi * cr);
  const m = Math.hypot(qr, qi);
  let sqr = Math.sqrt((m + qr) / 2);
  let sqi = Math.sign(qi || 1) * Math.sqrt(Math.max(0, (m - qr) / 2));
  const mr = (ar + dr) / 2;
  const mi = (ai + di) / 2;
  // pick the root nearer d: compare |mean + sq − d| with |mean − sq − d|
  const d1 = Math.hypot(mr + sqr - dr, mi + sqi - di);
  const d2 = Math.hypot(mr - sqr - dr, mi - sqi - di);
  if (d2 < d1) [sqr, sqi] = [-sqr, -sqi];
  return [mr + sqr, mi + sqi];
}

/** Solves the complex system M x = b (n×n, row-major) by Gaussian elimination with partial pivoting; copies its inputs. */
export function complexSolve(m: ComplexMatrix, b: ComplexMatrix, n: number): ComplexMatrix {
  const ar = Float64Array.from(m.re);
  const ai = Float64Array.from(m.im);
  const xr = Float64Array.from(b.re);
  const xi = Float64Array.from(b.im);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.hypot(ar[i], ai[i]));
  const tiny = (scale || 1) * 1e-300;
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.hypot(ar[i * n + k], ai[i * n + k]) > Math.hypot(ar[piv * n + k], ai[piv * n + k])) piv = i;
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        [ar[k * n + j], ar[piv * n + j]] = [ar[piv * n + j], ar[k * n + j]];
        [ai[k * n + j], ai[piv * n + j]] = [ai[piv * n + j], ai[k * n + j]];
      }
      [xr[k], xr[piv]] = [xr[piv], xr[k]];
      [xi[k], xi[piv]] = [xi[piv], xi[k]];
    }
    if (Math.hypot(ar[k * n + k], ai[k * n + k]) < tiny) ar[k * n + k] = tiny; // singular: inverse iteration wants a huge, finite solution
    const pr = ar[k * n + k];
    const pi = ai[k * n + k];
    const pd = pr * pr + pi * pi;
    for (let i = k + 1; i < n; i++) {
      // f = a_ik / a_kk
      const fr = (ar[i * n + k] * pr + ai[i * n + k] * pi) / pd;
      const fi = (ai[i * n + k] * pr - ar[i * n + k] * pi) / pd;
      if (fr === 0 && fi === 0) continue;
      for (let j = k; j < n; j++) {
        ar[i * n + j] -= fr * ar[k * n + j] - fi * ai[k * n + j];
        ai[i * n + j] -= fr * ai[k * n + j] + fi * ar[k * n + j];
      }
      xr[i] -= fr * xr[k] - fi * xi[k];
      xi[i] -= fr * xi[k] + fi * xr[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let sr = xr[i];
    let si = xi[i];
    for (let j = i + 1; j < n; j++) {
      sr -= ar[i * n + j] * xr[j] - ai[i * n + j] * xi[j];
      si -= ar[i * n + j] * xi[j] + ai[i * n + j] * xr[j];
    }
    const pr = ar[i * n + i];
    const pi = ai[i * n + i];
    const pd = pr * pr + pi * pi;
    xr[i] = (sr * pr + si * pi) / pd;
    xi[i] = (si * pr - sr * pi) / pd;
  }
  return { re: xr, im: xi };
}

/** Unit eigenvector of the real matrix a for eigenvalue λ = (lr, li), by 3 steps of inverse iteration. */
export function eigenvector(a: Float64Array, n: number, lr: number, li: number): ComplexMatrix {
  const m = { re: Float64Array.from(a), im: new Float64Array(n * n) };
  const shift = 1e-10 * Math.max(1, Math.hypot(lr, li));
  for (let i = 0; i < n; i++) {
    m.re[i * n + i] -= lr + shift;
    m.im[i * n + i] -= li;
  }
  let v: ComplexMatrix = { re: new Float64Array(n).map((_, i) => 1 + 0.1 * Math.sin(i + 1)), im: new Float64Array(n) };
  for (let it = 0; it < 3; it++) {
    v = complexSolve(m, v, n);
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += v.re[i] ** 2 + v.im[i] ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < n; i++) {
      v.re[i] /= nrm;
      v.im[i] /= nrm;
    }
  }
  return v;
}
