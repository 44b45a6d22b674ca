import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../testing/backends';
import { rand } from '../../testing/compare';
import { gradcheck } from '../../testing/gradcheck';
import { discretize, vandermondeKernel } from './diagKernel';

describe('diagonal SSM kernel: gradients vs central finite differences (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it.each(['zoh', 'bilinear'] as const)('d K / d(log_dt, log_A_re, A_im, B, C) (%s)', (disc) => {
    const [H, M, L] = [2, 3, 12];
    const logDt = tf.tensor1d([Math.log(0.1), Math.log(0.3)]);
    const logNegARe = rand([H, M], 51, -1, 0.5);
    const aIm = rand([H, M], 52, -3, 3);
    const [cRe, cIm, bRe, bIm] = [53, 54, 55, 56].map((s) => rand([H, M], s));
    const w = rand([H, L], 57);
    const f = (...xs: tf.Tensor[]) => {
      const [ld, la, ai, cr, ci, br, bi] = xs;
      const d = discretize({ logDt: ld, logNegARe: la, aIm: ai, cRe: cr, cIm: ci, bRe: br, bIm: bi }, disc);
      const k = vandermondeKernel(d, L);
      const out = tf.sum(tf.mul(k, w)) as tf.Scalar;
      tf.dispose([d.lre, d.lim, d.wre, d.wim, k]);
      return out;
    };
    const inputs = [logDt, logNegARe, aIm, cRe, cIm, bRe, bIm];
    const { worst, detail } = gradcheck(f, inputs, { eps: 1e-2, atol: 5e-3, rtol: 3e-2 });
    if (!(worst <= 1)) throw new Error(`gradcheck ${disc}: ratio ${worst} at ${detail}`);
    tf.dispose([...inputs, w]);
  });
});
