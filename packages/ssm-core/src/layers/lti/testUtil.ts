/**
 * Independent float64 plain-JS oracles for the LTI layer tests (no tf ops): the diagonal SSM
 * kernel by repeated complex multiplication, and the layer's forward (direct convolution, erf
 * GELU via a series, dense, GLU).
 */
import * as tf from '@tensorflow/tfjs-core';

export type C64 = [number, number];
export const cmul = (a: C64, b: C64): C64 => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
export const cdiv = (a: C64, b: C64): C64 => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};

/** K_l = 2 Re Σ_n C_n B_n B̄(A_n) dA_n^l with dA^l by repeated multiplication; A = (re, im) per mode. */
export function jsDiagKernel(dt: number, aRe: number[], aIm: number[], cRe: number[], cIm: number[], disc: 'zoh' | 'bilinear', L: number,
  bRe?: number[], bIm?: number[]): number[] {
  const K = new Array<number>(L).fill(0);
  for (let n = 0; n < aRe.length; n++) {
    const A: C64 = [aRe[n], aIm[n]];
    const dtA: C64 = [dt * A[0], dt * A[1]];
    let dA: C64;
    let bbar: C64;
    if (disc === 'zoh') {
      const e = Math.exp(dtA[0]);
      dA = [e * Math.cos(dtA[1]), e * Math.sin(dtA[1])];
      bbar = cdiv([dA[0] - 1, dA[1]], A);
    } else {
      const den: C64 = [1 - dtA[0] / 2, -dtA[1] / 2];
      dA = cdiv([1 + dtA[0] / 2, dtA[1] / 2], den);
      bbar = cdiv([dt, 0], den);
    }
    let w = cmul([cRe[n], cIm[n]], bbar);
    if (bRe && bIm) w = cmul(w, [bRe[n], bIm[n]]);
    for (let l = 0; l < L; l++) {
      K[l] += 2 * w[0];
      w = cmul(w, dA);
    }
  }
  return K;
}

/** erf by its Maclaurin series / continued asymptotics (|err| < 1e-12 for |x| < 6). */
export function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  if (a > 6) return s;
  let term = a;
  let sum = a;
  for (let n = 1; n < 200; n++) {
    term *= (-a * a) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (s * 2 * sum) / Math.sqrt(Math.PI);
}
export const geluJs = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));

/**
 * Layer forward in plain JS: x (B, L, H) flat; kernel(h, lag) gives the convolution weight at lag
 * l − m (negative lags for two-sided); then + D x, GELU, dense W (H, 2H) + b, GLU.
 */
export function jsConvLayer(x: ArrayLike<number>, B: number, L: number, H: number, kernel: (h: number, lag: number) => number,
  D: ArrayLike<number>, W: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let bi = 0; bi < B; bi++) {
    for (let l = 0; l < L; l++) {
      const g: number[] = [];
      for (let h = 0; h < H; h++) {
        let s = D[h] * x[(bi * L + l) * H + h];
        for (let m = 0; m < L; m++) s += kernel(h, l - m) * x[(bi * L + m) * H + h];
        g.push(geluJs(s));
      }
      for (let o = 0; o < H; o++) {
        let a = b[o];
        let z = b[H + o];
        for (let h = 0; h < H; h++) {
          a += g[h] * W[h * 2 * H + o];
          z += g[h] * W[h * 2 * H + H + o];
        }
        out.push(a / (1 + Math.exp(-z)));
      }
    }
  }
  return out;
}

/** Named weight values of a built layer as plain arrays (by the part after the last '/'). */
export function weightsByName(layer: { weights: Array<{ name: string; read(): tf.Tensor }> }): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const w of layer.weights) out[w.name.split('/').pop() as string] = Array.from(w.read().dataSync());
  return out;
}

/** max |t| as a number (disposes its temporaries). */
export function maxAbs(t: tf.Tensor): number {
  const m = tf.tidy(() => tf.max(tf.abs(t)));
  const v = m.dataSync()[0];
  m.dispose();
  return v;
}
