import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose, expectNoLeak, rand } from '../../testing/compare';
import { mulberry32 } from '../../train/seed';
import { gauss } from './common';
import { complexSolve } from './eig';
import { hippoLegS, projectC, ptdModes } from './ptd';
import { S4 } from './s4';
import { jsDiagKernel, maxAbs, weightsByName } from './testUtil';
import { stepInChunks } from '../../testing/stepInChunks';

type Mat = Float64Array;
const matMul = (a: Mat, b: Mat, n: number, m = n): Mat => {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < m; j++) out[i * m + j] += a[i * n + k] * b[k * m + j];
  return out;
};
/** X = P⁻¹ Q for real n×n P and n×m Q, column by column. */
const solve = (p: Mat, q: Mat, n: number, m: number): Mat => {
  const out = new Float64Array(n * m);
  for (let j = 0; j < m; j++) {
    const col = complexSolve({ re: p, im: new Float64Array(n * n) }, { re: Float64Array.from({ length: n }, (_, i) => q[i * m + j]), im: new Float64Array(n) }, n);
    for (let i = 0; i < n; i++) out[i * m + j] = col.re[i];
  }
  return out;
};
const eye = (n: number) => new Float64Array(n * n).map((_, i) => (i % (n + 1) === 0 ? 1 : 0));
/** exp(X) by scaling and squaring of a Taylor series. */
function expm(x: Mat, n: number): Mat {
  const nrm = Math.max(...x.map(Math.abs)) * n;
  const s = Math.max(0, Math.ceil(Math.log2(nrm)) + 4);
  const xs = x.map((v) => v / 2 ** s);
  let term: Mat = eye(n);
  let sum: Mat = eye(n);
  for (let k = 1; k < 20; k++) {
    term = matMul(term, xs, n).map((v) => v / k);
    sum = sum.map((v, i) => v + term[i]);
  }
  for (let i = 0; i < s; i++) sum = matMul(sum, sum, n);
  return sum;
}

/** Un-diagonalized kernel K_l = C Ā^l B̄ of (A, B) by direct matrix powers (float64). */
function directKernel(A: Mat, B: Mat, C: Mat, N: number, dt: number, disc: 'zoh' | 'bilinear', L: number): number[] {
  const I = eye(N);
  let Ab: Mat;
  let Bb: Mat;
  if (disc === 'bilinear') {
    const minus = I.map((v, i) => v - (dt / 2) * A[i]);
    Ab = solve(minus, I.map((v, i) => v + (dt / 2) * A[i]), N, N);
    Bb = solve(minus, B.map((v) => dt * v), N, 1);
  } else {
    Ab = expm(A.map((v) => v * dt), N);
    Bb = solve(A, matMul(Ab.map((v, i) => v - I[i]), B, N, 1), N, 1);
  }
  const K: number[] = [];
  let x = Bb;
  for (let l = 0; l < L; l++) {
    K.push(C.reduce((s, c, i) => s + c * x[i], 0));
    x = matMul(Ab, x, N, 1);
  }
  return K;
}

function ptdKernelError(N: number, eps: number, disc: 'zoh' | 'bilinear', dt: number, L: number): { rel: number; maxRe: number } {
  const { A, B } = hippoLegS(N);
  const rng = mulberry32(17);
  const C = new Float64Array(N).map(() => gauss(rng));
  const modes = ptdModes(A, B, N, eps, mulberry32(3));
  const c = projectC(C, 1, modes, N);
  const want = directKernel(A, B, C, N, dt, disc, L);
  const got = jsDiagKernel(dt, Array.from(modes.lamRe), Array.from(modes.lamIm), Array.from(c.re), Array.from(c.im), disc, L,
    Array.from(modes.bRe), Array.from(modes.bIm));
  const scale = Math.max(...want.map(Math.abs));
  return { rel: Math.max(...want.map((w, i) => Math.abs(w - got[i]))) / scale, maxRe: Math.max(...modes.lamRe) };
}

describe('S4 PTD initialization (float64)', () => {
  it.each(['bilinear', 'zoh'] as const)('diagonalized kernel matches HiPPO-LegS direct powers (%s), error shrinking with eps', (disc) => {
    const errs = [1e-1, 1e-2, 1e-3].map((eps) => ptdKernelError(16, eps, disc, 0.05, 96));
    for (const [i, eps] of [1e-1, 1e-2, 1e-3].entries()) {
      expect(errs[i].rel).toBeLessThan(0.5 * eps); // measured ≈ 0.07·eps here
      expect(errs[i].maxRe).toBeLessThanOrEqual(-0.5 + eps); // Re λ ≤ −1/2 + ‖E‖ (numerical range)
    }
    expect(errs[2].rel).toBeLessThan(errs[1].rel / 5);
    expect(errs[1].rel).toBeLessThan(errs[0].rel / 5);
  });

  it('keeps one of each conjugate pair: M = N/2 + #real/2 modes, B̃ = V⁻¹B reproduces B', () => {
    const N = 8;
    const { A, B } = hippoLegS(N);
    const m = ptdModes(A, B, N, 1e-2, mulberry32(5));
    const nReal = Array.from(m.lamIm).filter((v) => v === 0).length;
    expect(m.M).toBe(N / 2 + nReal / 2);
    // Σ_m weight·2·Re(v_m B̃_m) = B (V B̃ = B with conjugate columns implied).
    for (let r = 0; r < N; r++) {
      let s = 0;
      for (let k = 0; k < m.M; k++) s += 2 * m.weight[k] * (m.vRe[r * m.M + k] * m.bRe[k] - m.vIm[r * m.M + k] * m.bIm[k]);
      expect(s).toBeCloseTo(B[r], 6);
    }
  });
});

describe.each(TEST_BACKENDS)('S4 layer on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('float32 kernel matches its float64 diagonal kernel; shapes; gradients reach every weight; no leaks', () => {
    const layer = new S4({ dState: 8, seed: 4, ptdEps: 0.05, dtMin: 0.02, dtMax: 0.2 });
    const x = rand([2, 7, 3], 21);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 7, 3]);
    const w = weightsByName(layer);
    const M = w.ssm_A_im.length / 3;
    const k = layer.kernel(32);
    const want = tf.tensor([0, 1, 2].map((h) => {
      const sl = (a: number[]) => a.slice(h * M, (h + 1) * M);
      return jsDiagKernel(Math.exp(w.ssm_log_dt[h]), sl(w.ssm_log_A_re).map((v) => -Math.exp(v)), sl(w.ssm_A_im), sl(w.ssm_C_re), sl(w.ssm_C_im),
        'zoh', 32, sl(w.ssm_B_re), sl(w.ssm_B_im));
    }));
    expectClose(k, want, 1e-4 * maxAbs(want), 1e-3, 'S4 kernel');
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, x)) as tf.Scalar);
    expect(layer.trainableWeights.map((v) => v.name.split('/').pop()).sort()).toEqual(
      ['out_bias', 'out_kernel', 'ssm_A_im', 'ssm_B_im', 'ssm_B_re', 'ssm_C_im', 'ssm_C_re', 'ssm_D', 'ssm_log_A_re', 'ssm_log_dt']);
    for (const v of layer.trainableWeights) expect(maxAbs(grads[v.name])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    expectNoLeak(() => (layer.apply(x) as tf.Tensor).dispose(), 'S4 forward');
    tf.dispose([x, y, k, want]);
    layer.dispose();
  });

  it('step over chunks of 1, 3 and the rest equals the full forward', () => {
    const layer = new S4({ dState: 8, seed: 6, disc: 'bilinear', ptdEps: 0.05 });
    const x = rand([2, 9, 3], 22);
    const full = layer.apply(x) as tf.Tensor;
    const y = stepInChunks(layer, x);
    expectClose(y, full, 1e-4, 1e-4, 'S4 step');
    tf.dispose([x, full, y]);
    layer.dispose();
  });
});

describe('S4: serialization and errors', () => {
  beforeAll(() => useBackend('cpu'));

  it('round-trips through model JSON (same init from the seed, same outputs)', async () => {
    const model = tfl.sequential({ layers: [new S4({ inputShape: [6, 2], dState: 6, seed: 8, ptdEps: 0.03 })] });
    const copy = await tfl.models.modelFromJSON(model.toJSON(null, false) as never);
    const l = copy.layers[0] as S4;
    expect([l.getClassName(), l.init, l.ptdEps, l.dState]).toEqual(['S4', 'legs-ptd', 0.03, 6]);
    const x = rand([1, 6, 2], 23);
    const a = model.predict(x) as tf.Tensor;
    const b = copy.predict(x) as tf.Tensor; // no setWeights: the seeded init alone must agree
    expectClose(b, a, 1e-7, 1e-6, 'S4 round trip');
    tf.dispose([x, a, b]);
    model.dispose();
    copy.dispose();
  });

  it('rejects bad configs', () => {
    expect(() => new S4({ ptdEps: 0 })).toThrow(/S4: option 'ptdEps' must be a number in \(0, 0.5\), received 0/);
    expect(() => new S4({ init: 'legs' as never })).toThrow(/S4: option 'init' must be one of 'legs-ptd', received "legs"/);
    expect(() => new S4({ dState: 3 })).toThrow(/S4: option 'dState' must be an even integer/);
  });
});
