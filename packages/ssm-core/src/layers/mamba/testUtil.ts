/**
 * Independent float64 plain-JS oracle of the Mamba mixer for the tests (no tf ops): the loops of
 * ALGORITHMS §1.6 written out, including segment resets of the conv taps and of the state.
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface JsMambaWeights {
  in_proj_kernel: number[];
  conv_kernel: number[];
  conv_bias: number[];
  x_proj_kernel: number[];
  dt_proj_kernel: number[];
  ssm_dt_bias: number[];
  ssm_A_log: number[];
  ssm_D: number[];
  out_proj_kernel: number[];
}
const KEYS = ['in_proj_kernel', 'conv_kernel', 'conv_bias', 'x_proj_kernel', 'dt_proj_kernel', 'ssm_dt_bias', 'ssm_A_log', 'ssm_D', 'out_proj_kernel'] as const;

type Weighted = { weights: Array<{ originalName: string; read(): tf.Tensor }> };

/** The mixer weights of a layer whose weight names end with `${prefix}${key}` (prefix '' for Mamba, 'fwd/' / 'bwd/' for BiMamba). */
export function mixerWeights(layer: Weighted, prefix = ''): JsMambaWeights {
  const out: Record<string, number[]> = {};
  for (const k of KEYS) {
    const hit = layer.weights.filter((w) => w.originalName.endsWith(`/${prefix}${k}`));
    if (hit.length !== 1) throw new Error(`mixerWeights: expected one weight named */${prefix}${k}, found ${hit.length}`);
    out[k] = Array.from(hit[0].read().dataSync());
  }
  return out as unknown as JsMambaWeights;
}

const silu = (v: number) => v / (1 + Math.exp(-v));
const softplus = (v: number) => (v > 20 ? v : Math.log1p(Math.exp(v)));

/** Mamba mixer on x (B, L, H) flat, float64; seg (B, L) flat (optional) resets conv taps and state. */
export function jsMamba(x: ArrayLike<number>, B: number, L: number, H: number, w: JsMambaWeights, N: number, W: number, seg?: ArrayLike<number>): number[] {
  const dI = w.ssm_D.length;
  const R = w.dt_proj_kernel.length / dI;
  const J = R + 2 * N;
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    const sid = (l: number) => (seg ? seg[b * L + l] : 0);
    const xs: number[][] = [];
    const zs: number[][] = [];
    for (let l = 0; l < L; l++) {
      const row = new Array<number>(2 * dI).fill(0);
      for (let h = 0; h < H; h++) for (let j = 0; j < 2 * dI; j++) row[j] += x[(b * L + l) * H + h] * w.in_proj_kernel[h * 2 * dI + j];
      xs.push(row.slice(0, dI));
      zs.push(row.slice(dI));
    }
    const state = new Array<number>(dI * N).fill(0);
    for (let l = 0; l < L; l++) {
      if (l > 0 && sid(l) !== sid(l - 1)) state.fill(0);
      const xc = new Array<number>(dI);
      for (let d = 0; d < dI; d++) {
        let s = w.conv_bias[d];
        for (let k = 0; k < W; k++) {
          const t = l - (W - 1) + k;
          if (t >= 0 && sid(t) === sid(l)) s += w.conv_kernel[d * W + k] * xs[t][d];
        }
        xc[d] = silu(s);
      }
      const dbl = new Array<number>(J).fill(0);
      for (let d = 0; d < dI; d++) for (let j = 0; j < J; j++) dbl[j] += xc[d] * w.x_proj_kernel[d * J + j];
      const y = new Array<number>(dI);
      for (let d = 0; d < dI; d++) {
        let dt = w.ssm_dt_bias[d];
        for (let r = 0; r < R; r++) dt += dbl[r] * w.dt_proj_kernel[r * dI + d];
        dt = softplus(dt);
        let acc = 0;
        for (let n = 0; n < N; n++) {
          const A = -Math.exp(w.ssm_A_log[d * N + n]);
          const i = d * N + n;
          state[i] = Math.exp(dt * A) * state[i] + dt * dbl[R + n] * xc[d];
          acc += state[i] * dbl[R + N + n];
        }
        y[d] = (acc + w.ssm_D[d] * xc[d]) * silu(zs[l][d]);
      }
      for (let o = 0; o < H; o++) {
        let s = 0;
        for (let d = 0; d < dI; d++) s += y[d] * w.out_proj_kernel[d * H + o];
        out.push(s);
      }
    }
  }
  return out;
}

/** Reverses the L axis of a flat (B, L, C) array. */
export function flipL(a: ArrayLike<number>, B: number, L: number, C: number): number[] {
  const out = new Array<number>(B * L * C);
  for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) for (let c = 0; c < C; c++) out[(b * L + l) * C + c] = a[(b * L + (L - 1 - l)) * C + c];
  return out;
}
