import * as tf from '@tensorflow/tfjs-core';
import { hasFusedKernel } from '../../kernels/dispatch';
import { registerFusedKernels } from '../../kernels/registerAll';
import { assertDtype, assertRank, assertShape, assertTensor, fmtShape } from '../../util/validate';
import { causalConv1dReference } from './reference';
import { CAUSAL_CONV1D_KERNEL, MAX_CONV_WIDTH } from './kernelNames';

export type CausalConv1dActivation = 'silu' | 'none';

export interface CausalConv1dArgs {
  /** (Bt, D, L) float32 */
  x: tf.Tensor3D;
  /** (D, W), 1 <= W <= 8: one filter per channel; weight[d, W-1] multiplies the current token. */
  weight: tf.Tensor2D;
  /** (D) */
  bias?: tf.Tensor1D;
  /** Applied after the bias; default 'none'. */
  activation?: CausalConv1dActivation;
  /** (Bt, L) int32: taps never reach across a change of segment id (packed sequences). */
  segmentIds?: tf.Tensor2D;
  /** (Bt, D, W-1): the W-1 inputs that precede x[..., 0] (default zeros). */
  initialConvState?: tf.Tensor3D;
}

export interface CausalConv1dStepArgs {
  /** (Bt, D, T), T >= 1: the next T tokens. */
  x: tf.Tensor3D;
  /** (Bt, D, W-1): the last W-1 inputs seen (initialConvState() at the start). */
  convState: tf.Tensor3D;
  weight: tf.Tensor2D;
  bias?: tf.Tensor1D;
  activation?: CausalConv1dActivation;
}

const OP = 'causalConv1d';
const STEP_OP = 'causalConv1dStep';

function validateCommon(op: string, x: unknown, weight: unknown, bias: unknown, activation: unknown): number {
  assertTensor(op, 'x', x);
  assertRank(op, 'x', x, [3], '(Bt, D, L)');
  assertDtype(op, 'x', x, 'float32');
  assertTensor(op, 'weight', weight);
  assertRank(op, 'weight', weight, [2], '(D, W)');
  assertDtype(op, 'weight', weight, 'float32');
  const dim = x.shape[1] as number;
  const width = weight.shape[1] as number;
  if (width < 1 || width > MAX_CONV_WIDTH) {
    throw new Error(`${op}: argument 'weight' must have width W in [1, ${MAX_CONV_WIDTH}], received shape ${fmtShape(weight.shape)} (W=${width})`);
  }
  assertShape(op, 'weight', weight, [dim, -1], ['D', 'W']);
  if (bias != null) {
    assertTensor(op, 'bias', bias);
    assertDtype(op, 'bias', bias, 'float32');
    assertShape(op, 'bias', bias, [dim], ['D']);
  }
  if (activation != null && activation !== 'silu' && activation !== 'none') {
    throw new Error(`${op}: option 'activation' must be 'silu' or 'none', received ${JSON.stringify(activation)}`);
  }
  return width;
}

function validateState(op: string, name: string, state: unknown, x: tf.Tensor3D, width: number): void {
  assertTensor(op, name, state);
  assertDtype(op, name, state, 'float32');
  assertShape(op, name, state, [x.shape[0], x.shape[1], width - 1], ['Bt', 'D', 'W-1']);
}

/**
 * Depthwise causal 1-D convolution (Mamba block step 2):
 * y[b,d,l] = act(bias[d] + Σ_{j<W} weight[d,j]·xpad[b,d,l+j]), xpad = [initialConvState | x].
 * Fused kernel on cpu and wasm, the reference twin elsewhere; differentiable with respect to
 * x, weight, bias and initialConvState.
 */
export function causalConv1d(args: CausalConv1dArgs): tf.Tensor3D {
  if (args == null || typeof args !== 'object') throw new Error(`${OP}: expected an argument object {x, weight, ...}, received ${String(args)}`);
  const { x, weight, bias, segmentIds, initialConvState } = args;
  const width = validateCommon(OP, x, weight, bias, args.activation);
  if (segmentIds != null) {
    assertTensor(OP, 'segmentIds', segmentIds);
    assertDtype(OP, 'segmentIds', segmentIds, 'int32');
    assertShape(OP, 'segmentIds', segmentIds, [x.shape[0], x.shape[2]], ['Bt', 'L']);
  }
  if (initialConvState != null) validateState(OP, 'initialConvState', initialConvState, x, width);
  registerFusedKernels();
  if (!hasFusedKernel(CAUSAL_CONV1D_KERNEL)) return causalConv1dReference(args);
  return tf.tidy(() => {
    const [batch, dim, len] = x.shape;
    // Every input is always passed (zeros / a single segment when absent) so the registered
    // gradient can save them by name; the attrs let the kernel skip the absent ones.
    const inputs = {
      x,
      weight,
      bias: bias ?? tf.zeros([dim]),
      segmentIds: segmentIds ?? tf.zeros([batch, len], 'int32'),
      initialConvState: initialConvState ?? tf.zeros([batch, dim, width - 1]),
    };
    const attrs = {
      activation: args.activation ?? 'none',
      hasBias: bias != null,
      hasSegments: segmentIds != null,
      hasState: initialConvState != null,
    };
    return tf.engine().runKernel(CAUSAL_CONV1D_KERNEL, inputs, attrs) as tf.Tensor3D;
  });
}

/**
 * Runs T >= 1 new tokens through the convolution given the last W-1 inputs (`convState`);
 * returns the outputs and the new state (the last W-1 inputs of [convState | x]). Feeding a
 * sequence in chunks of any size equals causalConv1d on the whole sequence. Differentiable.
 */
export function causalConv1dStep(args: CausalConv1dStepArgs): { y: tf.Tensor3D; convState: tf.Tensor3D } {
  if (args == null || typeof args !== 'object') throw new Error(`${STEP_OP}: expected an argument object {x, convState, weight, ...}, received ${String(args)}`);
  const { x, convState, weight, bias, activation } = args;
  const width = validateCommon(STEP_OP, x, weight, bias, activation);
  validateState(STEP_OP, 'convState', convState, x, width);
  const y = causalConv1d({ x, weight, bias, activation, initialConvState: convState });
  const next = tf.tidy(() => {
    const [batch, dim, len] = x.shape;
    if (width === 1) return tf.zeros([batch, dim, 0]) as tf.Tensor3D;
    if (len >= width - 1) return tf.slice(x, [0, 0, len - width + 1], [batch, dim, width - 1]);
    return tf.slice(tf.concat([convState, x], 2), [0, 0, len], [batch, dim, width - 1]);
  });
  return { y, convState: next };
}

/** The conv state before the first token: zeros of shape (batch, dim, width-1). */
export function initialConvState(batch: number, dim: number, width: number): tf.Tensor3D {
  for (const [name, v, min] of [['batch', batch, 1], ['dim', dim, 1], ['width', width, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`initialConvState: argument '${name}' must be an integer >= ${min}, received ${String(v)}`);
  }
  if (width > MAX_CONV_WIDTH) throw new Error(`initialConvState: argument 'width' must be in [1, ${MAX_CONV_WIDTH}], received ${width}`);
  return tf.zeros([batch, dim, width - 1]);
}
