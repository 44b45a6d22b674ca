/**
 * Independent float64 plain-JS oracle of MambaMixer for the tests (no tf ops): RMSNorm, the
 * bidirectional Mamba pair (jsMamba from the Mamba tests), transposes and the dense averages written out.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { flipL, jsMamba, mixerWeights } from '../mamba/testUtil';
import { mixerPrefix } from './mambaMixer';

type Weighted = { weights: Array<{ originalName: string; read(): tf.Tensor }> };

/** The values of the weight whose name ends with `/${suffix}`. */
export function weightValues(layer: Weighted, suffix: string): number[] {
  const hit = layer.weights.filter((w) => w.originalName.endsWith(`/${suffix}`));
  if (hit.length !== 1) throw new Error(`weightValues: expected one weight named */${suffix}, found ${hit.length}`);
  return Array.from(hit[0].read().dataSync());
}

/** (B, R, C) → (B, C, R), flat. */
export function transposeJs(a: ArrayLike<number>, B: number, R: number, C: number): number[] {
  const out = new Array<number>(B * R * C);
  for (let b = 0; b < B; b++) for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[(b * C + c) * R + r] = a[(b * R + r) * C + c];
  return out;
}

/** RMSNorm over the last axis (width C) with gain g. */
function rmsJs(a: number[], rows: number, C: number, g: number[]): number[] {
  const out = new Array<number>(a.length);
  for (let r = 0; r < rows; r++) {
    let ms = 0;
    for (let c = 0; c < C; c++) ms += a[r * C + c] ** 2;
    const s = 1 / Math.sqrt(ms / C + 1e-5);
    for (let c = 0; c < C; c++) out[r * C + c] = a[r * C + c] * s * g[c];
  }
  return out;
}

/** The residual branch of mixer m: BiMamba(RMSNorm(u)) along tokens (even m) or along channels (odd m). */
export function jsBranch(layer: Weighted, m: number, u: number[], B: number, L: number, H: number, N: number, W: number): number[] {
  const p = mixerPrefix(m);
  const tokens = m % 2 === 0;
  const [len, width] = tokens ? [L, H] : [H, L];
  const seq = tokens ? u : transposeJs(u, B, L, H);
  const h = rmsJs(seq, B * len, width, weightValues(layer, `${p}norm_gamma`));
  const f = jsMamba(h, B, len, width, mixerWeights(layer, `${p}fwd/`), N, W);
  const r = flipL(jsMamba(flipL(h, B, len, width), B, len, width, mixerWeights(layer, `${p}bwd/`), N, W), B, len, width);
  const mixed = f.map((v, i) => v + r[i]);
  return tokens ? mixed : transposeJs(mixed, B, H, L);
}

/** The whole layer: dense averages with the layer's α (or, when `chain`, the plain residual chain ignoring α). */
export function jsMambaMixer(layer: Weighted, x: ArrayLike<number>, B: number, L: number, H: number, nLayers: number, N: number, W: number, chain = false): number[] {
  const outs: number[][] = [Array.from(x)];
  const avg = (name: string) => {
    if (chain) return outs[outs.length - 1];
    const a = weightValues(layer, name);
    return outs[0].map((_, i) => outs.reduce((s, o, j) => s + a[j] * o[i], 0));
  };
  for (let m = 0; m < 2 * nLayers; m++) {
    const u = avg(`dense_avg_${m}`);
    const br = jsBranch(layer, m, u, B, L, H, N, W);
    outs.push(u.map((v, i) => v + br[i]));
  }
  return avg('dense_avg_out');
}
