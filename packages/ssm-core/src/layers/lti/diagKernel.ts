import * as tf from '@tensorflow/tfjs-core';

export type Disc = 'zoh' | 'bilinear';
export const DISCS: readonly Disc[] = ['zoh', 'bilinear'];

/**
 * The parameters of a diagonal SSM with H channels and M complex modes (conjugates implied):
 * Δ = exp(logDt) (H); A = −exp(logNegARe) + i·aIm (H, M); C (..., H, M) complex (a leading axis
 * holds one C per direction of a bidirectional layer); B (H, M) complex, or absent (B = 1, S4D).
 */
export interface DiagParams {
  logDt: tf.Tensor;
  logNegARe: tf.Tensor;
  aIm: tf.Tensor;
  cRe: tf.Tensor;
  cIm: tf.Tensor;
  bRe?: tf.Tensor;
  bIm?: tf.Tensor;
}

/** Discretized system: log(dA) = (lre, lim) (H, M) and the output weights W = C·B·B̄-factor (..., H, M). */
export interface DiagDiscrete {
  lre: tf.Tensor;
  lim: tf.Tensor;
  wre: tf.Tensor;
  wim: tf.Tensor;
}

/** (a / b) for complex a = (ar, ai), b = (br, bi). */
function cdiv(ar: tf.Tensor, ai: tf.Tensor, br: tf.Tensor, bi: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const den = tf.add(tf.square(br), tf.square(bi));
  return [tf.div(tf.add(tf.mul(ar, br), tf.mul(ai, bi)), den), tf.div(tf.sub(tf.mul(ai, br), tf.mul(ar, bi)), den)];
}

function cmul(ar: tf.Tensor, ai: tf.Tensor, br: tf.Tensor, bi: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return [tf.sub(tf.mul(ar, br), tf.mul(ai, bi)), tf.add(tf.mul(ar, bi), tf.mul(ai, br))];
}

/**
 * ZOH:      dA = exp(ΔA),                         B̄ = (exp(ΔA) − 1)/A · B
 * bilinear: dA = (1 + ΔA/2)/(1 − ΔA/2),           B̄ = Δ/(1 − ΔA/2) · B
 * (ALGORITHMS §1.1/§1.3). Plain tf ops, so gradients reach logDt, A, B and C.
 */
export function discretize(p: DiagParams, disc: Disc): DiagDiscrete {
  return tf.tidy(() => {
    const H = p.logDt.shape[0];
    const dt = tf.reshape(tf.exp(p.logDt), [H, 1]);
    const aRe = tf.neg(tf.exp(p.logNegARe));
    const re = tf.mul(dt, aRe);
    const im = tf.mul(dt, p.aIm);
    let lre: tf.Tensor;
    let lim: tf.Tensor;
    let fre: tf.Tensor;
    let fim: tf.Tensor;
    if (disc === 'zoh') {
      lre = re;
      lim = im;
      const e = tf.exp(re);
      [fre, fim] = cdiv(tf.sub(tf.mul(e, tf.cos(im)), 1), tf.mul(e, tf.sin(im)), aRe, p.aIm);
    } else {
      const hr = tf.mul(re, 0.5);
      const hi = tf.mul(im, 0.5);
      const [nr, ni, dr, di] = [tf.add(1, hr), hi, tf.sub(1, hr), tf.neg(hi)];
      const [qr, qi] = cdiv(nr, ni, dr, di);
      lre = tf.mul(0.5, tf.log(tf.div(tf.add(tf.square(nr), tf.square(ni)), tf.add(tf.square(dr), tf.square(di)))));
      lim = tf.atan2(qi, qr);
      [fre, fim] = cdiv(tf.broadcastTo(dt, dr.shape), tf.zerosLike(dr), dr, di);
    }
    if (p.bRe && p.bIm) [fre, fim] = cmul(fre, fim, p.bRe, p.bIm);
    const [wre, wim] = cmul(p.cRe, p.cIm, fre, fim);
    return { lre, lim, wre, wim };
  });
}

/** dA^t for t = t0, t0 + stride, ... (T values) as (re, im), each (H, M, T). */
export function powers(d: DiagDiscrete, T: number, t0 = 0, stride = 1): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const t = tf.reshape(tf.range(t0, t0 + T * stride, stride, 'float32'), [1, 1, T]);
    const mag = tf.exp(tf.mul(tf.expandDims(d.lre, 2), t));
    const ang = tf.mul(tf.expandDims(d.lim, 2), t);
    return [tf.mul(mag, tf.cos(ang)), tf.mul(mag, tf.sin(ang))];
  });
}

/**
 * K[..., h, l] = 2·Re Σ_m W[..., h, m]·dA[h, m]^l, l < L (the Vandermonde product); W (H, M) or (K, H, M).
 * With l = c·j + i (c = ⌈√L⌉): K[h, cj + i] = 2·Re Σ_m (W dA^i)[h, m, i] · dA^{cj}[h, m, j], a batched
 * (H, c, M) × (H, M, L/c) matmul, so the elementwise exp/cos/sin work is O(H·M·√L), not O(H·M·L).
 */
export function vandermondeKernel(d: DiagDiscrete, L: number): tf.Tensor {
  return tf.tidy(() => {
    const c = Math.ceil(Math.sqrt(L));
    const r = Math.ceil(L / c);
    const [p1r, p1i] = powers(d, c); // dA^i, i < c
    const [p2r, p2i] = powers(d, r, 0, c); // dA^{cj}, j < r
    const H = p1r.shape[0] as number;
    const one = (wre: tf.Tensor, wim: tf.Tensor): tf.Tensor => {
      const [ar, ai] = cmul(tf.expandDims(wre, 2), tf.expandDims(wim, 2), p1r, p1i); // (H, M, c)
      const q = tf.sub(tf.matMul(ar, p2r, true, false), tf.matMul(ai, p2i, true, false)); // (H, c, r)
      const k = tf.reshape(tf.transpose(q, [0, 2, 1]), [H, r * c]);
      return tf.mul(2, r * c === L ? k : tf.slice(k, [0, 0], [H, L]));
    };
    if (d.wre.rank === 2) return one(d.wre, d.wim);
    const K = d.wre.shape[0] as number;
    const M = d.wre.shape[2] as number;
    const pick = (t: tf.Tensor, i: number) => tf.reshape(tf.slice(t, [i, 0, 0], [1, H, M]), [H, M]);
    return tf.stack(Array.from({ length: K }, (_, i) => one(pick(d.wre, i), pick(d.wim, i))));
  });
}

/**
 * Chunk of the diagonal recurrence. State s (re, im) (batch, H, M) holds x_{t−1} with
 * x_t = dA·x_{t−1} + u_t and y_t = 2·Re(W·x_t) (B̄ folded into W, i.e. x = x_brief / B̄).
 * For a chunk u (batch, H, T): y_t = 2·Re Σ_m W dA^{t+1} s + (K[:T] * u)_t and
 * s' = dA^T s + Σ_j dA^{T−1−j} u_j, so the cost per token is O(H·M·T) for chunk size T,
 * independent of the tokens already seen. Returns the state part of y (batch, H, T) and s'.
 */
export function recurrenceChunk(d: DiagDiscrete, sRe: tf.Tensor, sIm: tf.Tensor, u: tf.Tensor): { yState: tf.Tensor; re: tf.Tensor; im: tf.Tensor } {
  return tf.tidy(() => {
    const T = u.shape[2] as number;
    const [pr, pi] = powers(d, T + 1); // (H, M, T+1): dA^0 .. dA^T
    const [H, M] = pr.shape as [number, number];
    const [qr, qi] = cmul(tf.expandDims(d.wre, 2), tf.expandDims(d.wim, 2), tf.slice(pr, [0, 0, 1], [H, M, T]), tf.slice(pi, [0, 0, 1], [H, M, T]));
    const xr = tf.transpose(sRe, [1, 0, 2]); // (H, batch, M)
    const xi = tf.transpose(sIm, [1, 0, 2]);
    const yState = tf.transpose(tf.mul(2, tf.sub(tf.matMul(xr, qr), tf.matMul(xi, qi))), [1, 0, 2]);
    // Σ_j dA^{T−1−j} u_j: reversed powers dA^{T−1} .. dA^0 as (H, T, M).
    const rr = tf.transpose(tf.reverse(tf.slice(pr, [0, 0, 0], [H, M, T]), 2), [0, 2, 1]);
    const ri = tf.transpose(tf.reverse(tf.slice(pi, [0, 0, 0], [H, M, T]), 2), [0, 2, 1]);
    const ut = tf.transpose(u, [1, 0, 2]); // (H, batch, T)
    const pTr = tf.reshape(tf.slice(pr, [0, 0, T], [H, M, 1]), [H, 1, M]);
    const pTi = tf.reshape(tf.slice(pi, [0, 0, T], [H, M, 1]), [H, 1, M]);
    const [cr, ci] = cmul(pTr, pTi, xr, xi);
    const re = tf.transpose(tf.add(cr, tf.matMul(ut, rr)), [1, 0, 2]);
    const im = tf.transpose(tf.add(ci, tf.matMul(ut, ri)), [1, 0, 2]);
    return { yState, re, im };
  });
}
