import type { Rng } from '../../train/seed';
import { gauss } from './common';
import { complexSolve, eigenvalues, eigenvector } from './eig';

/** HiPPO-LegS (ALGORITHMS §1.2): A_nk = −√(2n+1)√(2k+1) (n > k), −(n+1) (n = k), 0 (n < k); B_n = √(2n+1). Row-major. */
export function hippoLegS(N: number): { A: Float64Array; B: Float64Array } {
  const A = new Float64Array(N * N);
  const B = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    B[n] = Math.sqrt(2 * n + 1);
    for (let k = 0; k <= n; k++) A[n * N + k] = n === k ? -(n + 1) : -Math.sqrt(2 * n + 1) * Math.sqrt(2 * k + 1);
  }
  return { A, B };
}

/** Spectral norm ‖E‖₂ of a real n×n matrix by power iteration on EᵀE. */
export function spectralNorm(E: Float64Array, n: number): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let s = 0;
  for (let it = 0; it < 100; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i] += E[i * n + j] * v[j];
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) z[j] += E[i * n + j] * w[i];
    const nz = Math.hypot(...z);
    if (nz === 0) return 0;
    s = Math.sqrt(nz);
    v = z.map((x) => x / nz);
  }
  return s;
}

/**
 * One kept mode of the diagonalized system: eigenvalue λ, B̃ = (V⁻¹B) entry, the eigenvector
 * (column of V, for C̃ = C V), and its weight: 1 for one of a conjugate pair (2·Re counts the
 * pair), 1/2 for a real eigenvalue (counted once by 2·Re).
 */
export interface PtdModes {
  M: number;
  lamRe: Float64Array;
  lamIm: Float64Array;
  bRe: Float64Array;
  bIm: Float64Array;
  /** Kept eigenvectors, (N, M) row-major. */
  vRe: Float64Array;
  vIm: Float64Array;
  weight: Float64Array;
  /** The perturbation actually added (‖E‖₂ = eps), row-major. */
  E: Float64Array;
}

/**
 * PTD ("perturb-then-diagonalize", Yu et al., ALGORITHMS §1.4): A + E = V Λ V⁻¹ with a seeded
 * Gaussian E scaled to ‖E‖₂ = eps. Since A's symmetric part is ≤ −I/2, every eigenvalue of A + E
 * has Re λ ≤ −1/2 + eps (stable for eps < 1/2). Keeps one eigenvalue of each conjugate pair and
 * every real one (so M = N/2 + (#real)/2, usually N/2).
 */
export function ptdModes(A: Float64Array, B: Float64Array, N: number, eps: number, rng: Rng): PtdModes {
  const E = new Float64Array(N * N);
  for (let i = 0; i < E.length; i++) E[i] = gauss(rng);
  const s = eps > 0 ? eps / spectralNorm(E, N) : 0;
  const AE = new Float64Array(N * N);
  for (let i = 0; i < E.length; i++) {
    E[i] *= s;
    AE[i] = A[i] + E[i];
  }
  const lam = eigenvalues(AE, N);
  const idx = Array.from({ length: N }, (_, i) => i).sort((a, b) => lam.re[b] - lam.re[a] || lam.im[b] - lam.im[a]);
  const isReal = (i: number) => Math.abs(lam.im[i]) <= 1e-8 * Math.max(1, Math.hypot(lam.re[i], lam.im[i]));
  const keep = idx.filter((i) => isReal(i) || lam.im[i] > 0);
  const nUpper = idx.filter((i) => !isReal(i) && lam.im[i] > 0).length;
  const nLower = idx.filter((i) => !isReal(i) && lam.im[i] < 0).length;
  if (nUpper !== nLower) throw new Error(`ptdModes: eigenvalues of A + E do not come in conjugate pairs (${nUpper} vs ${nLower}); try another 'ptdEps' or seed`);
  // Full V (N×N): each kept eigenvector, and the conjugate of each complex one.
  const cols: Array<{ re: Float64Array; im: Float64Array }> = [];
  const kept: Array<{ col: number; i: number; real: boolean }> = [];
  for (const i of keep) {
    const real = isReal(i);
    const v = eigenvector(AE, N, lam.re[i], real ? 0 : lam.im[i]);
    kept.push({ col: cols.length, i, real });
    cols.push(v);
    if (!real) cols.push({ re: v.re, im: v.im.map((x) => -x) });
  }
  const V = { re: new Float64Array(N * N), im: new Float64Array(N * N) };
  cols.forEach((c, j) => c.re.forEach((_, r) => {
    V.re[r * N + j] = c.re[r];
    V.im[r * N + j] = c.im[r];
  }));
  const bt = complexSolve(V, { re: Float64Array.from(B), im: new Float64Array(N) }, N);
  const M = kept.length;
  const out: PtdModes = {
    M, lamRe: new Float64Array(M), lamIm: new Float64Array(M), bRe: new Float64Array(M), bIm: new Float64Array(M),
    vRe: new Float64Array(N * M), vIm: new Float64Array(N * M), weight: new Float64Array(M), E,
  };
  kept.forEach((k, m) => {
    out.lamRe[m] = lam.re[k.i];
    out.lamIm[m] = k.real ? 0 : lam.im[k.i];
    out.bRe[m] = bt.re[k.col];
    out.bIm[m] = k.real ? 0 : bt.im[k.col];
    out.weight[m] = k.real ? 0.5 : 1;
    for (let r = 0; r < N; r++) {
      out.vRe[r * M + m] = cols[k.col].re[r];
      out.vIm[r * M + m] = cols[k.col].im[r];
    }
  });
  return out;
}

/** C̃ = weight ⊙ (C V) for real C (rows × N): (rows, M) complex. */
export function projectC(C: Float64Array, rows: number, modes: PtdModes, N: number): { re: Float64Array; im: Float64Array } {
  const { M } = modes;
  const re = new Float64Array(rows * M);
  const im = new Float64Array(rows * M);
  for (let h = 0; h < rows; h++) {
    for (let m = 0; m < M; m++) {
      let sr = 0;
      let si = 0;
      for (let r = 0; r < N; r++) {
        sr += C[h * N + r] * modes.vRe[r * M + m];
        si += C[h * N + r] * modes.vIm[r * M + m];
      }
      re[h * M + m] = sr * modes.weight[m];
      im[h * M + m] = si * modes.weight[m];
    }
  }
  return { re, im };
}
