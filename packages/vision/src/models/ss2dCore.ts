import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { addValueWeight, layerNormalize, selectiveScan, subRng } from '@statespace/ssm-core';
import { atrousScanPlan, crossScanPlan, DIRECTIONS, multiScalePlans, type ScanPlan } from '../scans/plans';
import { gatherTokens, scatterTokens } from '../scans/tokenGather';
import { depthwise, dtBiasValues, linear, uniformValues } from './weights';

export const SCAN_KINDS = ['cross', 'atrous', 'grouped', 'multiscale'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];

export interface SS2DConfig {
  dim: number;
  dState: number;
  ssmRatio: number;
  dtRank: number; // resolved (>= 1)
  scan: ScanKind;
  atrousStride: number;
  seed: number;
}

const S = { inProj: 0, conv: 1, convB: 2, xProj: 3, dtProj: 4, dtBias: 5, outProj: 6, down: 7, downB: 8, cam1: 9, cam2: 10, inProjZ: 11, xProjB: 12, xProjC: 13 };

/**
 * SS2D of VMamba (ALGORITHMS §3.1) and the variants' 2-D selective scans, held by a host layer
 * under a name prefix (all weights belong to the host, as ssm-core's MambaCore does):
 * in_proj → (x, z); depthwise 3×3 conv + SiLU; K = 4 scan directions, each with its own x_proj,
 * dt_proj, Δ bias, A_log and D; the selective scan of all directions at once (B/C grouped per
 * direction); merge; LayerNorm; gate silu(z); out_proj.
 * - cross: VMamba's four full-map directions.
 * - atrous: EfficientVMamba's skip-sampled ES2D (stride p, one sub-grid set per direction) where
 *   H and W are multiples of p; smaller maps fall back to the cross-scan.
 * - grouped: GroupMamba's VSSS: channel group k (of 4) scanned in direction k with its own
 *   parameters, followed by the channel-affinity modulation (CAM: squeeze-excite over channels).
 * - multiscale: MSVMamba's MS2D: direction 0 on the full map, directions 1–3 on a copy
 *   downsampled by a stride-2 depthwise conv, upsampled (nearest) and added.
 */
export class SS2DCore {
  readonly dInner: number;
  readonly perDir: number; // channels each direction scans
  private w: Record<string, LayerVariable> = {};

  constructor(readonly cfg: SS2DConfig, private readonly prefix: string) {
    this.dInner = Math.round(cfg.ssmRatio * cfg.dim);
    if (cfg.scan === 'grouped' && this.dInner % 4 !== 0) {
      throw new Error(`SS2D: scan 'grouped' needs an inner width (ssmRatio·dim = ${this.dInner}) divisible by 4`);
    }
    this.perDir = cfg.scan === 'grouped' ? this.dInner / 4 : this.dInner;
  }

  build(host: tfl.layers.Layer): void {
    const { dim, dState: N, dtRank: R, seed } = this.cfg;
    const [dI, Dk, K] = [this.dInner, this.perDir, 4];
    const rng = (s: number) => subRng(seed, 100 + s);
    const add = (name: string, shape: number[], v: ArrayLike<number>) => (this.w[name] = addValueWeight(host, this.prefix + name, shape, v));
    // in_proj as two matrices (x and z halves): splitting activations along channels is slow in tfjs
    add('in_proj_x_kernel', [dim, dI], uniformValues(dim * dI, 1 / Math.sqrt(dim), rng(S.inProj)));
    add('in_proj_z_kernel', [dim, dI], uniformValues(dim * dI, 1 / Math.sqrt(dim), rng(S.inProjZ)));
    add('conv_kernel', [3, 3, dI, 1], uniformValues(9 * dI, 1 / 3, rng(S.conv)));
    add('conv_bias', [dI], uniformValues(dI, 1 / 3, rng(S.convB)));
    // x_proj of each direction, kept as its three output blocks (dt, B, C) for the same reason
    add('x_proj_dt_kernel', [K, Dk, R], uniformValues(K * Dk * R, 1 / Math.sqrt(Dk), rng(S.xProj)));
    add('x_proj_B_kernel', [K, Dk, N], uniformValues(K * Dk * N, 1 / Math.sqrt(Dk), rng(S.xProjB)));
    add('x_proj_C_kernel', [K, Dk, N], uniformValues(K * Dk * N, 1 / Math.sqrt(Dk), rng(S.xProjC)));
    add('dt_proj_kernel', [K, R, Dk], uniformValues(K * R * Dk, 1 / Math.sqrt(R), rng(S.dtProj)));
    add('ssm_dt_bias', [K * Dk], dtBiasValues(K * Dk, rng(S.dtBias)));
    add('ssm_A_log', [K * Dk, N], Float32Array.from({ length: K * Dk * N }, (_, i) => Math.log((i % N) + 1)));
    add('ssm_D', [K * Dk], new Float32Array(K * Dk).fill(1));
    add('out_norm_gamma', [dI], new Float32Array(dI).fill(1));
    add('out_norm_beta', [dI], new Float32Array(dI));
    add('out_proj_kernel', [dI, dim], uniformValues(dI * dim, 1 / Math.sqrt(dI), rng(S.outProj)));
    if (this.cfg.scan === 'multiscale') {
      add('down_kernel', [3, 3, dI, 1], uniformValues(9 * dI, 1 / 3, rng(S.down)));
      add('down_bias', [dI], uniformValues(dI, 1 / 3, rng(S.downB)));
    }
    if (this.cfg.scan === 'grouped') {
      const r = Math.max(4, dI >> 2);
      add('cam_fc1_kernel', [dI, r], uniformValues(dI * r, 1 / Math.sqrt(dI), rng(S.cam1)));
      add('cam_fc2_kernel', [r, dI], uniformValues(r * dI, 1 / Math.sqrt(r), rng(S.cam2)));
    }
  }

  /** x (B, H, W, dim) → (B, H, W, dim). */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [B, H, W] = x.shape;
      const xs = linear(x, this.w.in_proj_x_kernel);
      const z = linear(x, this.w.in_proj_z_kernel);
      const c = depthwise(xs, this.w.conv_kernel, this.w.conv_bias);
      const xa = tf.mul(c, tf.sigmoid(c)); // SiLU
      let y = this.scanAll(xa as tf.Tensor4D); // (B, H·W, dI)
      if (this.cfg.scan === 'grouped') y = this.channelAffinity(y);
      y = layerNormalize(y, this.w.out_norm_gamma.read(), this.w.out_norm_beta.read());
      const gated = tf.mul(tf.reshape(y, [B, H, W, this.dInner]), tf.mul(z, tf.sigmoid(z)));
      return linear(gated, this.w.out_proj_kernel);
    });
  }

  private scanAll(x: tf.Tensor4D): tf.Tensor {
    const [B, H, W, dI] = x.shape;
    const tokens = tf.reshape(x, [B, H * W, dI]);
    const { scan, atrousStride: p } = this.cfg;
    if (scan === 'multiscale') {
      const plans = multiScalePlans(H, W);
      const xd = depthwise(x, this.w.down_kernel, this.w.down_bias, 2);
      const full = this.scanGroup(tokens, plans.full, 0);
      const down = this.scanGroup(tf.reshape(xd, [B, plans.downH * plans.downW, dI]), plans.down, 1);
      return tf.add(full, tf.gather(down, tf.tensor1d(upsampleIndex(H, W), 'int32'), 1)); // nearest ×2 upsampling
    }
    const atrous = scan === 'atrous' && p > 1 && H % p === 0 && W % p === 0;
    const plan = atrous ? atrousScanPlan(H, W, p, 'one') : crossScanPlan(H, W, DIRECTIONS);
    return this.scanGroup(tokens, plan, 0);
  }

  /**
   * Per-direction weights (K, rows, cols) of directions first..first+K−1 as one matrix acting on
   * the token channels: (Dk, K·cols) side by side, or, for grouped scans (direction k reads only
   * channel group k), block-diagonal (K·Dk, K·cols) built by tiling and masking (weights are small;
   * slicing activations instead would be slow in tfjs).
   */
  private combined(w: tf.Tensor, first: number, K: number, blockDiagonal: boolean): tf.Tensor {
    const [, rows, cols] = w.shape;
    const sel = K === w.shape[0] ? w : tf.slice(w, [first, 0, 0], [K, rows, cols]);
    const side = tf.reshape(tf.transpose(sel, [1, 0, 2]), [rows, K * cols]);
    if (!blockDiagonal || K === 1) return side;
    const mask = new Float32Array(K * rows * K * cols);
    for (let k = 0; k < K; k++) for (let r = 0; r < rows; r++) mask.fill(1, (k * rows + r) * K * cols + k * cols, (k * rows + r) * K * cols + (k + 1) * cols);
    return tf.mul(tf.tile(side, [K, 1]), tf.tensor2d(mask, [K * rows, K * cols]));
  }

  /** Scans the token map (B, L, dI) along the plan's K sequences with parameter sets first..first+K−1; merged (B, L, dI). */
  private scanGroup(tokens: tf.Tensor, plan: ScanPlan, first: number): tf.Tensor {
    const [B, L, dI] = tokens.shape;
    const N = this.cfg.dState;
    const { K, Lp } = plan;
    const Dk = this.perDir;
    const grouped = this.cfg.scan === 'grouped';
    const w = this.w;
    // Δ = dt_proj(x_proj_dt(x)) per direction: two matmuls over all directions at once
    const dtLow = linear(tokens, this.combined(w.x_proj_dt_kernel.read(), first, K, grouped));
    const deltaAll = linear(dtLow, this.combined(w.dt_proj_kernel.read(), first, K, true));
    const bAll = linear(tokens, this.combined(w.x_proj_B_kernel.read(), first, K, grouped));
    const cAll = linear(tokens, this.combined(w.x_proj_C_kernel.read(), first, K, grouped));
    // The projections act per token, so they commute with the scan's token permutation.
    const idx = tf.tensor2d(plan.index, [K, Lp], 'int32');
    const u = gatherTokens(tokens, idx, { channels: Dk, channelStride: grouped ? Dk : 0 });
    const delta = gatherTokens(deltaAll, idx, { channels: Dk, channelStride: Dk });
    const Bs = tf.reshape(gatherTokens(bAll, idx, { channels: N, channelStride: N }), [B, K, N, Lp]) as tf.Tensor4D;
    const Cs = tf.reshape(gatherTokens(cAll, idx, { channels: N, channelStride: N }), [B, K, N, Lp]) as tf.Tensor4D;
    const rows = (v: LayerVariable) => (K * Dk === v.shape[0] ? v.read() : tf.slice(v.read(), [first * Dk], [K * Dk])) as tf.Tensor1D;
    const aLog = K * Dk === w.ssm_A_log.shape[0] ? w.ssm_A_log.read() : tf.slice(w.ssm_A_log.read(), [first * Dk, 0], [K * Dk, N]);
    const A = tf.neg(tf.exp(aLog)) as tf.Tensor2D;
    const segmentIds = plan.segments ? (tf.tile(tf.tensor2d(plan.segments, [1, Lp], 'int32'), [B, 1]) as tf.Tensor2D) : undefined;
    const y = selectiveScan({
      u, delta, A, B: Bs, C: Cs, D: rows(w.ssm_D), deltaBias: rows(w.ssm_dt_bias), deltaSoftplus: true, segmentIds,
    });
    return scatterTokens(y, idx, L, dI, { channels: Dk, channelStride: grouped ? Dk : 0 });
  }

  /** GroupMamba's channel-affinity modulation: y · sigmoid(W2 relu(W1 mean_tokens(y))). */
  private channelAffinity(y: tf.Tensor): tf.Tensor {
    const s = tf.mean(y, 1); // (B, dI)
    const gate = tf.sigmoid(linear(tf.relu(linear(s, this.w.cam_fc1_kernel)), this.w.cam_fc2_kernel));
    return tf.mul(y, tf.expandDims(gate, 1));
  }
}

/** For each pixel of an (H, W) map, its parent token in the ×2-downsampled (ceil(H/2), ceil(W/2)) map. */
export function upsampleIndex(H: number, W: number): Int32Array {
  const w = Math.ceil(W / 2);
  return Int32Array.from({ length: H * W }, (_, t) => Math.floor(Math.floor(t / W) / 2) * w + Math.floor((t % W) / 2));
}
