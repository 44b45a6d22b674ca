import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { causalConv1d, causalConv1dStep } from '../../ops/causal-conv1d/causalConv1d';
import { linear as linearOp } from '../../ops/linear/linear';
import { selectiveScan } from '../../ops/selective-scan/selectiveScan';
import { fmtShape } from '../../util/validate';
import { addValueWeight, subRng } from '../lti/common';
import { aLogInit, dtBiasInit, innerDim, rankOf, uniform, type MambaConfig } from './mambaConfig';

/** Seed streams of one mixer; `base` separates the mixers of one layer (BiMamba's two directions). */
const STREAM = { inProj: 0, conv: 1, convBias: 2, xProj: 3, dtProj: 4, dtBias: 5, outProj: 6 };

/** x (..., rows) · W (rows, cols) → (..., cols); `linearOp`'s backward avoids wasm's slow transposed matmuls. */
const linear = (x: tf.Tensor, W: LayerVariable): tf.Tensor => linearOp(x, W.read());
const toChannels = (t: tf.Tensor) => tf.transpose(t, [0, 2, 1]) as tf.Tensor3D; // (b, L, C) ↔ (b, C, L)

/**
 * The weights and the computation of one Mamba mixer (ALGORITHMS §1.6), held by a host tfl Layer
 * under a name prefix: Mamba uses one (prefix ''), BiMamba two ('fwd/', 'bwd/'), so every weight
 * is a weight of the host layer (tracked, saved and trained without nested layers).
 * Init: PyTorch nn.Linear / nn.Conv1d defaults U(±1/sqrt(fan_in)) for in_proj, conv, x_proj and
 * out_proj; the Mamba-specific dt_proj, Δ bias, A_log and D inits of the reference.
 */
export class MambaCore {
  readonly dInner: number;
  readonly rank: number;
  private w: Record<string, LayerVariable> = {};

  constructor(readonly layer: string, readonly cfg: MambaConfig, private readonly prefix: string, private readonly streamBase: number) {
    this.dInner = innerDim(cfg);
    this.rank = rankOf(cfg);
  }

  build(host: tfl.layers.Layer): void {
    const { dModel, dState: N, dConv, seed, dtScale } = this.cfg;
    const [dI, R] = [this.dInner, this.rank];
    const rng = (s: number) => subRng(seed, this.streamBase + s);
    const add = (name: string, shape: number[], v: ArrayLike<number>) => (this.w[name] = addValueWeight(host, this.prefix + name, shape, v));
    add('in_proj_kernel', [dModel, 2 * dI], uniform(dModel * 2 * dI, 1 / Math.sqrt(dModel), rng(STREAM.inProj)));
    add('conv_kernel', [dI, dConv], uniform(dI * dConv, 1 / Math.sqrt(dConv), rng(STREAM.conv)));
    add('conv_bias', [dI], uniform(dI, 1 / Math.sqrt(dConv), rng(STREAM.convBias)));
    add('x_proj_kernel', [dI, R + 2 * N], uniform(dI * (R + 2 * N), 1 / Math.sqrt(dI), rng(STREAM.xProj)));
    add('dt_proj_kernel', [R, dI], uniform(R * dI, dtScale / Math.sqrt(R), rng(STREAM.dtProj)));
    add('ssm_dt_bias', [dI], dtBiasInit(dI, this.cfg, rng(STREAM.dtBias)));
    add('ssm_A_log', [dI, N], aLogInit(dI, N));
    add('ssm_D', [dI], new Float32Array(dI).fill(1));
    add('out_proj_kernel', [dI, dModel], uniform(dI * dModel, 1 / Math.sqrt(dI), rng(STREAM.outProj)));
  }

  /** Checks x (batch, L, dModel); returns [batch, L]. */
  checkInput(x: tf.Tensor): [number, number] {
    if (!(x instanceof tf.Tensor) || x.rank !== 3 || x.shape[2] !== this.cfg.dModel) {
      const got = x instanceof tf.Tensor ? `shape ${fmtShape(x.shape)}` : String(x);
      throw new Error(`${this.layer}: input must have shape (batch, L, dModel=${this.cfg.dModel}), received ${got}`);
    }
    return [x.shape[0] as number, x.shape[1] as number];
  }

  /**
   * in_proj → x, z as (b, dInner, L). Two matmuls with the kernel's column halves instead of one
   * matmul and a split: slicing the (dModel, 2·dInner) kernel is cheap, splitting the (b, L, 2·dInner)
   * activation (and concatenating its gradient) is not (tfjs-wasm's SplitV costs about half a matmul).
   */
  private inProj(x: tf.Tensor): [tf.Tensor3D, tf.Tensor3D] {
    const W = this.w.in_proj_kernel.read();
    const half = (from: number) => toChannels(linearOp(x, tf.slice(W, [0, from], [-1, this.dInner])));
    return [half(0), half(this.dInner)];
  }

  /** Selective scan of the conv output xc (b, dInner, L) with gate z; returns (b, L, dModel) (and the last state). */
  private ssmAndOut(xc: tf.Tensor3D, z: tf.Tensor3D, segmentIds?: tf.Tensor2D, initialState?: tf.Tensor3D, lastOnly = false): { y: tf.Tensor; last?: tf.Tensor3D } {
    const N = this.cfg.dState;
    const R = this.rank;
    const [dtLow, B, C] = tf.split(linear(toChannels(xc), this.w.x_proj_kernel), [R, N, N], 2);
    const delta = toChannels(linear(dtLow, this.w.dt_proj_kernel)); // no bias here: it is the scan's deltaBias
    const args = {
      u: xc, delta, A: tf.neg(tf.exp(this.w.ssm_A_log.read())) as tf.Tensor2D, B: toChannels(B), C: toChannels(C),
      D: this.w.ssm_D.read() as tf.Tensor1D, z, deltaBias: this.w.ssm_dt_bias.read() as tf.Tensor1D, deltaSoftplus: true,
      segmentIds, initialState,
    };
    if (initialState == null && lastOnly) {
      // Only the last position is wanted: out_proj on (b, dInner) rows instead of (b, L, dInner).
      const y = selectiveScan(args);
      const [b, dI, L] = y.shape;
      return { y: linear(tf.reshape(tf.slice(y, [0, 0, L - 1], [b, dI, 1]), [b, dI]), this.w.out_proj_kernel) };
    }
    if (initialState == null) return { y: linear(toChannels(selectiveScan(args)), this.w.out_proj_kernel) };
    const r = selectiveScan({ ...args, returnLastState: true });
    return { y: linear(toChannels(r.y), this.w.out_proj_kernel), last: r.lastState };
  }

  /**
   * Full forward of x (batch, L, dModel); state and conv taps reset wherever segmentIds change.
   * `lastOnly`: return only the last position, (batch, dModel).
   */
  forward(x: tf.Tensor, segmentIds?: tf.Tensor2D, lastOnly = false): tf.Tensor {
    return tf.tidy(() => {
      const [xs, z] = this.inProj(x);
      const xc = causalConv1d({ x: xs, weight: this.w.conv_kernel.read() as tf.Tensor2D, bias: this.w.conv_bias.read() as tf.Tensor1D, activation: 'silu', segmentIds });
      return this.ssmAndOut(xc, z, segmentIds, undefined, lastOnly).y;
    });
  }

  /** [convState (batch, dInner, dConv−1), ssmState (batch, dInner, N)], zeros. */
  initialState(batch: number): tf.Tensor[] {
    if (!Number.isInteger(batch) || batch < 1) throw new Error(`${this.layer}: initialState 'batch' must be an integer >= 1, received ${String(batch)}`);
    return [tf.zeros([batch, this.dInner, this.cfg.dConv - 1]), tf.zeros([batch, this.dInner, this.cfg.dState])];
  }

  /** T >= 1 new tokens from `state` (not disposed here); cost per token independent of the tokens already seen. */
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] } {
    const [batch] = this.checkInput(x);
    const want = [[batch, this.dInner, this.cfg.dConv - 1], [batch, this.dInner, this.cfg.dState]];
    if (!Array.isArray(state) || state.length !== 2 || state.some((s, i) => !(s instanceof tf.Tensor) || fmtShape(s.shape) !== fmtShape(want[i]))) {
      const got = Array.isArray(state) ? state.map((s) => (s instanceof tf.Tensor ? fmtShape(s.shape) : String(s))).join(', ') : String(state);
      throw new Error(`${this.layer}: step 'state' must be [convState ${fmtShape(want[0])}, ssmState ${fmtShape(want[1])}], received [${got}]`);
    }
    return tf.tidy(() => {
      const [xs, z] = this.inProj(x);
      const conv = causalConv1dStep({
        x: xs, convState: state[0] as tf.Tensor3D, weight: this.w.conv_kernel.read() as tf.Tensor2D, bias: this.w.conv_bias.read() as tf.Tensor1D, activation: 'silu',
      });
      const r = this.ssmAndOut(conv.y, z, undefined, state[1] as tf.Tensor3D);
      return { y: r.y, state: [conv.convState, r.last as tf.Tensor3D] };
    });
  }
}

/**
 * Segment ids for the scan and the conv from optional segment ids and a padding mask: ids change
 * wherever either changes, so padding (left, right, or holes) starts its own segment and real tokens
 * never see it. Returns undefined when neither is given. Caller disposes.
 */
export function combineSegments(layer: string, batch: number, L: number, segmentIds?: tf.Tensor | null, mask?: tf.Tensor | null): tf.Tensor2D | undefined {
  for (const [name, t] of [['segmentIds', segmentIds], ['mask', mask]] as const) {
    if (t != null && (!(t instanceof tf.Tensor) || t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== L)) {
      throw new Error(`${layer}: ${name} must have shape (batch=${batch}, L=${L}), received ${t instanceof tf.Tensor ? `shape ${fmtShape(t.shape)}` : String(t)}`);
    }
  }
  if (segmentIds != null && segmentIds.dtype !== 'int32') throw new Error(`${layer}: segmentIds must be int32, received dtype ${segmentIds.dtype}`);
  if (mask == null) return segmentIds == null ? undefined : (tf.clone(segmentIds) as tf.Tensor2D);
  return tf.tidy(() => {
    const m = tf.cast(tf.notEqual(mask, 0), 'int32');
    return (segmentIds == null ? m : tf.add(tf.mul(segmentIds, tf.scalar(2, 'int32')), m)) as tf.Tensor2D;
  });
}
