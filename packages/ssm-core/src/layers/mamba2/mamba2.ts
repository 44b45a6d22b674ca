import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { causalConv1d, causalConv1dStep } from '../../ops/causal-conv1d/causalConv1d';
import { MAX_CONV_WIDTH } from '../../ops/causal-conv1d/kernelNames';
import { ssdScan } from '../../ops/ssd-scan/ssdScan';
import { addValueWeight, buildWidth, checkInput, resolveSeed, subRng } from '../lti/common';
import { MaskPassingLayer } from '../maskPassingLayer';
import { firstMask, splitInputs } from '../maskPassingLayer';
import { combineSegments } from '../mamba/mambaCore';
import { aLogInit, checkInts, checkSsdInitOptions, dense, dtBiasInit, gatedRmsNorm, mixerDims, splitLast, torchUniform, type SsdMixerDims } from './common';

export interface Mamba2Args extends LayerArgs {
  /** Input/output width; checked against the input when given, else taken from it. */
  dModel?: number;
  /** N, default 64. */
  dState?: number;
  /** Causal conv width, default 4 (at most 8). */
  dConv?: number;
  /** dInner = expand·dModel, default 2. */
  expand?: number;
  /** P, default 64; nHeads = dInner / headDim. */
  headDim?: number;
  /** G groups of B/C, default 1; must divide nHeads. */
  nGroups?: number;
  /** Q for ssdScan's chunked path, default 64. */
  chunkSize?: number;
  dtMin?: number;
  dtMax?: number;
  dtInitFloor?: number;
  /** A ~ U[lo, hi] at init, default [1, 16]. */
  ALogInitRange?: number[];
  seed?: number;
}

const NAME = 'Mamba2';

/** Seed streams: in_proj, conv weight, conv bias, A_log, dt_bias, out_proj. */
const STREAM = { inProj: 20, convW: 21, convB: 22, aLog: 23, dt: 24, outProj: 25 };

/**
 * Mamba-2 block mixer (ALGORITHMS §1.7): in_proj → [z, x, B, C, dt]; depthwise causal conv + SiLU
 * on xBC; ssdScan(x, dt, A = −exp(ssm_A_log), B, C, D = ssm_D, dtBias = ssm_dt_bias, softplus);
 * RMSNormGated(y, z) (norm after the gate); out_proj. Input and output (batch, L, dModel).
 * Projections and conv use PyTorch's default init U(±1/sqrt(fan_in)) from the layer's seed.
 * Padding: kwargs.mask (batch, L) zeroes padded tokens, and becomes segment ids (mask changes reset
 * the scan state and the conv taps), so padding anywhere (left, right, holes) never reaches real
 * tokens; padded outputs are zero. Packed sequences: `callWithSegments(x, segmentIds)` or
 * apply([x, segmentIds]) (int32 (batch, L)): state and conv never cross a change of id.
 */
export class Mamba2 extends MaskPassingLayer {
  static className = NAME;
  readonly dModel: number | null;
  readonly dState: number;
  readonly dConv: number;
  readonly expand: number;
  readonly headDim: number;
  readonly nGroups: number;
  readonly chunkSize: number;
  readonly dtMin: number;
  readonly dtMax: number;
  readonly dtInitFloor: number;
  readonly ALogInitRange: number[];
  readonly seed: number;
  protected dims: SsdMixerDims | null = null;
  protected w: Record<string, LayerVariable> = {};

  protected readonly layerName: string;

  constructor(args: Mamba2Args = {}, layerName = NAME) {
    super(args);
    this.layerName = layerName;
    const name = layerName;
    this.dModel = args.dModel ?? null;
    this.dState = args.dState ?? 64;
    this.dConv = args.dConv ?? 4;
    this.expand = args.expand ?? 2;
    this.headDim = args.headDim ?? 64;
    this.nGroups = args.nGroups ?? 1;
    this.chunkSize = args.chunkSize ?? 64;
    checkInts(name, { dState: this.dState, dConv: this.dConv, expand: this.expand, headDim: this.headDim, nGroups: this.nGroups, chunkSize: this.chunkSize });
    if (this.dModel != null) checkInts(name, { dModel: this.dModel });
    if (this.dConv > MAX_CONV_WIDTH) throw new Error(`${name}: option 'dConv' must be an integer in [1, ${MAX_CONV_WIDTH}], received ${this.dConv}`);
    this.dtMin = args.dtMin ?? 1e-3;
    this.dtMax = args.dtMax ?? 1e-1;
    this.dtInitFloor = args.dtInitFloor ?? 1e-4;
    this.ALogInitRange = args.ALogInitRange ?? [1, 16];
    checkSsdInitOptions(name, this.dtMin, this.dtMax, this.dtInitFloor, this.ALogInitRange);
    if (this.dModel != null) mixerDims(name, this.dModel, this.expand, this.headDim, this.nGroups, this.dState);
    this.seed = resolveSeed(name, args.seed);
    this.supportsMasking = true;
  }

  /** Channels of the conv input xBC = [x, B, C]. */
  get convDim(): number {
    const d = this.builtDims();
    return d.dInner + 2 * d.nGroups * d.dState;
  }

  /** Width of the dt part of in_proj (one per head). */
  protected get dtWidth(): number {
    return this.builtDims().nHeads;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const dModel = buildWidth(this.layerName, inputShape, this.dModel ?? undefined);
    const d = (this.dims = mixerDims(this.layerName, dModel, this.expand, this.headDim, this.nGroups, this.dState));
    const dProj = d.dInner + this.convDim + this.dtWidth;
    const convDim = this.convDim;
    const add = (name: string, shape: number[], v: ArrayLike<number>) => (this.w[name] = addValueWeight(this, name, shape, v));
    add('in_proj_kernel', [dModel, dProj], torchUniform(dModel * dProj, dModel, subRng(this.seed, STREAM.inProj)));
    add('conv_weight', [convDim, this.dConv], torchUniform(convDim * this.dConv, this.dConv, subRng(this.seed, STREAM.convW)));
    add('conv_bias', [convDim], torchUniform(convDim, this.dConv, subRng(this.seed, STREAM.convB)));
    add('ssm_A_log', [d.nHeads], aLogInit(d.nHeads, this.ALogInitRange, subRng(this.seed, STREAM.aLog)));
    add('ssm_dt_bias', [d.nHeads], dtBiasInit(d.nHeads, this.dtMin, this.dtMax, this.dtInitFloor, subRng(this.seed, STREAM.dt)));
    add('ssm_D', [d.nHeads], new Float32Array(d.nHeads).fill(1));
    add('norm_weight', [d.dInner], new Float32Array(d.dInner).fill(1));
    add('out_proj_kernel', [d.dInner, dModel], torchUniform(d.dInner * dModel, d.dInner, subRng(this.seed, STREAM.outProj)));
    this.built = true;
  }

  protected builtDims(): SsdMixerDims {
    if (this.dims == null) throw new Error(`${this.layerName}: build the layer (apply it once) before step()/initialState()`);
    return this.dims;
  }

  /** in_proj on (b, T, dModel) → z (b,T,dInner), xBC (b, convDim, T) channels-first for the conv, dt (b,T,H). */
  protected project(x: tf.Tensor): { z: tf.Tensor; xBC: tf.Tensor3D; dt: tf.Tensor3D } {
    const d = this.builtDims();
    const [z, xBC, dt] = splitLast(dense(x, this.w.in_proj_kernel), [d.dInner, this.convDim, this.dtWidth]);
    return { z, xBC: tf.transpose(xBC, [0, 2, 1]) as tf.Tensor3D, dt: dt as tf.Tensor3D };
  }

  /** From the conv output (b, convDim, T): scan (from `init` when given), gated norm, out_proj. */
  protected mix(xBCc: tf.Tensor3D, z: tf.Tensor, dt: tf.Tensor3D, init?: tf.Tensor4D, segmentIds?: tf.Tensor2D): { y: tf.Tensor; last?: tf.Tensor4D } {
    const d = this.builtDims();
    const [b, , T] = xBCc.shape;
    const [xs, Bs, Cs] = splitLast(tf.transpose(xBCc, [0, 2, 1]), [d.dInner, d.nGroups * d.dState, d.nGroups * d.dState]);
    const args = {
      x: tf.reshape(xs, [b, T, d.nHeads, d.headDim]) as tf.Tensor4D,
      dt,
      A: tf.neg(tf.exp(this.w.ssm_A_log.read())) as tf.Tensor1D,
      B: tf.reshape(Bs, [b, T, d.nGroups, d.dState]) as tf.Tensor4D,
      C: tf.reshape(Cs, [b, T, d.nGroups, d.dState]) as tf.Tensor4D,
      D: this.w.ssm_D.read(),
      dtBias: this.w.ssm_dt_bias.read() as tf.Tensor1D,
      dtSoftplus: true,
      chunkSize: this.chunkSize,
      segmentIds,
    };
    let y: tf.Tensor4D;
    let last: tf.Tensor4D | undefined;
    if (init) ({ y, lastState: last } = ssdScan({ ...args, initialState: init, returnLastState: true }));
    else y = ssdScan(args);
    const yn = gatedRmsNorm(tf.reshape(y, [b, T, d.dInner]), z, this.w.norm_weight, d.dInner / d.nGroups, false);
    return { y: dense(yn, this.w.out_proj_kernel), last };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [x0, segmentIds] = splitInputs(inputs);
      const mask = firstMask(kwargs?.mask);
      const [batch, L] = checkInput(this.layerName, x0, this.builtDims().dModel);
      const seg = combineSegments(this.layerName, batch, L, segmentIds, mask);
      const m = mask == null ? null : tf.reshape(tf.cast(tf.notEqual(mask, 0), 'float32'), [batch, L, 1]);
      const { z, xBC, dt } = this.project(m ? tf.mul(x0, m) : x0);
      const xBCc = causalConv1d({
        x: xBC, weight: this.w.conv_weight.read() as tf.Tensor2D, bias: this.w.conv_bias.read() as tf.Tensor1D, activation: 'silu', segmentIds: seg,
      });
      const { y } = this.mix(xBCc, z, dt, undefined, seg);
      return m ? tf.mul(y, m) : y;
    });
  }

  /** Forward over packed sequences (segmentIds int32 (batch, L)); an optional padding mask combines with them. */
  callWithSegments(x: tf.Tensor, segmentIds: tf.Tensor2D, mask?: tf.Tensor): tf.Tensor {
    // apply() builds the weights under the layer's name scope on first use.
    return this.apply([x, segmentIds], mask ? { mask } : {}) as tf.Tensor;
  }

  /** Zero state [convState (batch, convDim, dConv−1), ssmState (batch, nHeads, headDim, dState)]. */
  initialState(batch: number): tf.Tensor[] {
    const d = this.builtDims();
    checkInts(this.layerName, { batch });
    return [tf.zeros([batch, this.convDim, this.dConv - 1]), tf.zeros([batch, d.nHeads, d.headDim, d.dState])];
  }

  /**
   * Inference over a chunk x (batch, T, dModel), T ≥ 1, from `state` (initialState or a previous
   * step; not disposed here) → {y, state}; chunks of any sizes equal the full forward. O(T) per chunk.
   */
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] } {
    const d = this.builtDims();
    const [batch] = checkInput(this.layerName, x, d.dModel);
    const want = [[batch, this.convDim, this.dConv - 1], [batch, d.nHeads, d.headDim, d.dState]];
    if (state?.length !== 2 || state.some((s, i) => s.shape.join(',') !== want[i].join(','))) {
      throw new Error(`${this.layerName}: step 'state' must be [convState [${want[0]}], ssmState [${want[1]}]], received ${state?.map((s) => `[${s.shape}]`).join(', ')}`);
    }
    return tf.tidy(() => {
      const { z, xBC, dt } = this.project(x);
      const conv = causalConv1dStep({
        x: xBC, convState: state[0] as tf.Tensor3D, weight: this.w.conv_weight.read() as tf.Tensor2D,
        bias: this.w.conv_bias.read() as tf.Tensor1D, activation: 'silu',
      });
      const { y, last } = this.mix(conv.y, z, dt, state[1] as tf.Tensor4D);
      return { y, state: [conv.convState, last as tf.Tensor] };
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(), dModel: this.dModel, dState: this.dState, dConv: this.dConv, expand: this.expand, headDim: this.headDim,
      nGroups: this.nGroups, chunkSize: this.chunkSize, dtMin: this.dtMin, dtMax: this.dtMax, dtInitFloor: this.dtInitFloor,
      ALogInitRange: this.ALogInitRange, seed: this.seed,
    };
  }
}
tf.serialization.registerClass(Mamba2, 'statespace');

export function mamba2(args?: Mamba2Args): Mamba2 {
  return new Mamba2(args);
}
