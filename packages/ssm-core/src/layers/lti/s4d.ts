import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../train/seed';
import { checkOneOf, gauss } from './common';
import { DiagonalSSMBase, type DiagInit, type DiagSSMArgs } from './diagLayer';

export type S4DInit = 'lin' | 'inv' | 'real';
export const S4D_INITS: readonly S4DInit[] = ['lin', 'inv', 'real'];

export interface S4DArgs extends DiagSSMArgs {
  /** S4D-Lin (default), S4D-Inv or S4D-Real (ALGORITHMS §1.3). */
  init?: S4DInit;
}

const NAME = 'S4D';

/**
 * Initial A for M = N/2 modes (ALGORITHMS §1.3), as (−Re A, Im A) per mode:
 * Lin: −1/2 + iπn; Inv: −1/2 + i(N/π)(N/(2n+1) − 1); Real: −(n+1).
 */
export function s4dModes(init: S4DInit, N: number): { negRe: number[]; im: number[] } {
  const M = N / 2;
  const n = Array.from({ length: M }, (_, i) => i);
  if (init === 'real') return { negRe: n.map((i) => i + 1), im: n.map(() => 0) };
  const im = init === 'lin' ? n.map((i) => Math.PI * i) : n.map((i) => (N / Math.PI) * (N / (2 * i + 1) - 1));
  return { negRe: n.map(() => 0.5), im };
}

/** C ~ complex standard normal (as torch.randn(cfloat): real and imaginary parts N(0, 1/2)). */
export function complexNormal(count: number, rng: Rng): { re: Float32Array; im: Float32Array } {
  const re = new Float32Array(count);
  const im = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    re[i] = gauss(rng) * Math.SQRT1_2;
    im[i] = gauss(rng) * Math.SQRT1_2;
  }
  return { re, im };
}

/**
 * S4D (Gu et al. 2022, "On the Parameterization and Initialization of Diagonal State Space
 * Models"): per channel, A = −exp(ssm_log_A_re) + i·ssm_A_im (N/2 modes), C complex, B = 1,
 * Δ = exp(ssm_log_dt) ~ logU[dtMin, dtMax]; the kernel K_l = 2·Re Σ C B̄ dA^l (ZOH or bilinear)
 * is convolved with the input through fftConv with the D skip, then GELU, dropout, linear H→2H, GLU.
 * Input and output (batch, L, H); `step` runs the diagonal recurrence chunk by chunk.
 */
export class S4D extends DiagonalSSMBase {
  static className = NAME;
  readonly init: S4DInit;
  protected readonly layerName: string = NAME;

  constructor(args: S4DArgs = {}) {
    super(args, NAME);
    this.init = checkOneOf(NAME, 'init', args.init ?? 'lin', S4D_INITS);
  }

  protected ssmInit(H: number, dirs: number, rng: Rng): DiagInit {
    const M = this.dState / 2;
    const { negRe, im } = s4dModes(this.init, this.dState);
    const logNegARe = new Float32Array(H * M);
    const aIm = new Float32Array(H * M);
    for (let h = 0; h < H; h++) {
      for (let m = 0; m < M; m++) {
        logNegARe[h * M + m] = Math.log(negRe[m]);
        aIm[h * M + m] = im[m];
      }
    }
    const c = complexNormal(dirs * H * M, rng);
    return { M, logNegARe, aIm, cRe: c.re, cIm: c.im };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), init: this.init };
  }
}
tf.serialization.registerClass(S4D, 'statespace');

export function s4d(args?: S4DArgs): S4D {
  return new S4D(args);
}
