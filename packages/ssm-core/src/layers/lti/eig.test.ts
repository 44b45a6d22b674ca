import { mulberry32 } from '../../train/seed';
import { gauss } from './common';
import { complexSolve, eigenvalues, eigenvector } from './eig';
import { hippoLegS } from './ptd';

/** Greedy matching of computed to expected eigenvalues; returns the worst |λ − μ| / max(1, |μ|). */
function matchError(got: { re: Float64Array; im: Float64Array }, want: Array<[number, number]>): number {
  const left = want.slice();
  let worst = 0;
  for (let i = 0; i < got.re.length; i++) {
    let best = -1;
    let bd = Infinity;
    left.forEach(([r, im], j) => {
      const d = Math.hypot(got.re[i] - r, got.im[i] - im);
      if (d < bd) [bd, best] = [d, j];
    });
    worst = Math.max(worst, bd / Math.max(1, Math.hypot(...left[best])));
    left.splice(best, 1);
  }
  return worst;
}

const matVec = (a: Float64Array, n: number, vr: Float64Array, vi: Float64Array) => {
  const r = new Float64Array(n);
  const i = new Float64Array(n);
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) {
    r[p] += a[p * n + q] * vr[q];
    i[p] += a[p * n + q] * vi[q];
  }
  return [r, i];
};

/** Real P · blockdiag(2×2 rotations-scalings and reals) · P⁻¹ with known eigenvalues. */
function similar(n: number, seed: number): { a: Float64Array; eig: Array<[number, number]> } {
  const rng = mulberry32(seed);
  const D = new Float64Array(n * n);
  const eig: Array<[number, number]> = [];
  let k = 0;
  while (k < n) {
    const re = -3 + 6 * rng();
    if (k + 1 < n && rng() < 0.7) {
      const im = 0.2 + 3 * rng();
      D[k * n + k] = re;
      D[k * n + k + 1] = im;
      D[(k + 1) * n + k] = -im;
      D[(k + 1) * n + k + 1] = re;
      eig.push([re, im], [re, -im]);
      k += 2;
    } else {
      D[k * n + k] = re;
      eig.push([re, 0]);
      k += 1;
    }
  }
  const P = new Float64Array(n * n).map((_, i) => (i % (n + 1) === 0 ? 2 : 0) + 0.5 * gauss(rng));
  // a = P D P⁻¹: solve Pᵀ Xᵀ = (P D)ᵀ column by column → X = P D P⁻¹.
  const PD = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let l = 0; l < n; l++) PD[i * n + j] += P[i * n + l] * D[l * n + j];
  const Pt = { re: new Float64Array(n * n).map((_, i) => P[(i % n) * n + Math.floor(i / n)]), im: new Float64Array(n * n) };
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = complexSolve(Pt, { re: PD.slice(i * n, (i + 1) * n), im: new Float64Array(n) }, n);
    for (let j = 0; j < n; j++) a[i * n + j] = row.re[j];
  }
  return { a, eig };
}

describe('eig: real nonsymmetric eigen-solver', () => {
  it.each([1, 2, 5, 12, 33])('recovers known eigenvalues of P·D·P⁻¹ (n=%i) and eigenvectors with small residual', (n) => {
    const { a, eig } = similar(n, n * 7 + 1);
    const got = eigenvalues(a, n);
    expect(matchError(got, eig)).toBeLessThan(1e-9);
    for (let i = 0; i < n; i++) {
      const v = eigenvector(a, n, got.re[i], got.im[i]);
      const [r, im] = matVec(a, n, v.re, v.im);
      let res = 0;
      for (let p = 0; p < n; p++) {
        res = Math.max(res, Math.hypot(r[p] - (got.re[i] * v.re[p] - got.im[i] * v.im[p]), im[p] - (got.re[i] * v.im[p] + got.im[i] * v.re[p])));
      }
      expect(res).toBeLessThan(1e-8);
    }
  });

  it('companion matrix of Π(x − r) gives the roots; a rotation gives ±i', () => {
    const roots = [1, -2, 3, 0.5, -4];
    let poly = [1]; // coefficients, highest first
    for (const r of roots) poly = [...poly, 0].map((c, i) => c - (i > 0 ? r * poly[i - 1] : 0));
    const n = roots.length;
    const comp = new Float64Array(n * n);
    for (let j = 0; j < n; j++) comp[j] = -poly[j + 1];
    for (let i = 1; i < n; i++) comp[i * n + i - 1] = 1;
    expect(matchError(eigenvalues(comp, n), roots.map((r) => [r, 0]))).toBeLessThan(1e-9);
    expect(matchError(eigenvalues(Float64Array.from([0, -1, 1, 0]), 2), [[0, 1], [0, -1]])).toBeLessThan(1e-12);
  });

  it('HiPPO-LegS (lower triangular, highly non-normal) has eigenvalues −1..−N', () => {
    const N = 12;
    const { A } = hippoLegS(N);
    expect(matchError(eigenvalues(A, N), Array.from({ length: N }, (_, i) => [-(i + 1), 0]))).toBeLessThan(1e-6);
  });

  it('complexSolve solves a complex system', () => {
    const m = { re: Float64Array.from([1, 2, 0, 1]), im: Float64Array.from([1, 0, -1, 2]) };
    const x = { re: Float64Array.from([0.5, -1]), im: Float64Array.from([2, 1]) };
    // b = m x
    const b = { re: new Float64Array(2), im: new Float64Array(2) };
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) {
      b.re[i] += m.re[i * 2 + j] * x.re[j] - m.im[i * 2 + j] * x.im[j];
      b.im[i] += m.re[i * 2 + j] * x.im[j] + m.im[i * 2 + j] * x.re[j];
    }
    const got = complexSolve(m, b, 2);
    for (let i = 0; i < 2; i++) {
      expect(got.re[i]).toBeCloseTo(x.re[i], 12);
      expect(got.im[i]).toBeCloseTo(x.im[i], 12);
    }
  });
});
