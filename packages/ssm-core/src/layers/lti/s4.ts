import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../train/seed';
import { checkOneOf, gauss } from './common';
import { DiagonalSSMBase, type DiagInit, type DiagSSMArgs } from './diagLayer';
import { hippoLegS, projectC, ptdModes } from './ptd';

export type S4Init = 'legs-ptd';
export const S4_INITS: readonly S4Init[] = ['legs-ptd'];

export interface S4Args extends DiagSSMArgs {
  /** 'legs-ptd' (S4-PTD): HiPPO-LegS, perturbed then diagonalized. */
  init?: S4Init;
  /** ‖E‖₂ of the seeded perturbation (default 1e-2; must be in (0, 0.5) so A + E stays stable). */
  ptdEps?: number;
}

const NAME = 'S4';

/**
 * S4 with the HiPPO-LegS state matrix through the PTD route (perturb-then-diagonalize, Yu et al.
 * 2024, ALGORITHMS §1.4) — NOT the DPLR Cauchy-kernel + Woodbury algorithm of the original S4.
 * At build, in float64 JS: A + E = V Λ V⁻¹ (A = HiPPO-LegS N×N, E seeded with ‖E‖₂ = ptdEps),
 * B̃ = V⁻¹B, C̃ = C V for a random real C ~ N(0, 1) (H, N). One eigenvalue of each conjugate pair is
 * kept (M = N/2 modes; a real eigenvalue, when A + E has some, is kept with C̃ halved, giving
 * M = N/2 + #real/2; such a mode's B̃, C̃ are real, so the gradients of its imaginary parts are
 * zero and it stays real in training). From then on it is an S4D-style diagonal SSM with learnable ssm_log_A_re,
 * ssm_A_im, ssm_B_re/ssm_B_im, ssm_C_re/ssm_C_im, ssm_log_dt and ssm_D; its kernel at init approximates
 * HiPPO-LegS's with error O(ptdEps).
 * Conditioning: V is ill-conditioned (|v|·|B̃| reaches ~1e4 at N = 16 and ~1e7 at N = 64), so the
 * Σ over modes cancels: measured float32 kernel error vs float64 at init, L = 1024, was ~1e-3
 * relative at N = 16 and ~1.5e-2 at N = 64 (ptdEps 1e-2). Prefer dState ≤ 32 when that matters.
 */
export class S4 extends DiagonalSSMBase {
  static className = NAME;
  readonly init: S4Init;
  readonly ptdEps: number;
  protected readonly layerName: string = NAME;

  constructor(args: S4Args = {}) {
    super(args, NAME);
    this.init = checkOneOf(NAME, 'init', args.init ?? 'legs-ptd', S4_INITS);
    this.ptdEps = args.ptdEps ?? 1e-2;
    if (typeof this.ptdEps !== 'number' || !(this.ptdEps > 0 && this.ptdEps < 0.5)) {
      throw new Error(`${NAME}: option 'ptdEps' must be a number in (0, 0.5), received ${String(args.ptdEps)}`);
    }
  }

  protected ssmInit(H: number, dirs: number, rng: Rng): DiagInit {
    const N = this.dState;
    const { A, B } = hippoLegS(N);
    const modes = ptdModes(A, B, N, this.ptdEps, rng);
    const { M } = modes;
    const C = new Float64Array(dirs * H * N).map(() => gauss(rng));
    const c = projectC(C, dirs * H, modes, N);
    const tile = (v: Float64Array, f: (x: number) => number) => Float32Array.from({ length: H * M }, (_, i) => f(v[i % M]));
    return {
      M, cRe: c.re, cIm: c.im,
      logNegARe: tile(modes.lamRe, (x) => Math.log(-x)), aIm: tile(modes.lamIm, (x) => x),
      bRe: tile(modes.bRe, (x) => x), bIm: tile(modes.bIm, (x) => x),
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), init: this.init, ptdEps: this.ptdEps };
  }
}
tf.serialization.registerClass(S4, 'statespace');

export function s4(args?: S4Args): S4 {
  return new S4(args);
}
