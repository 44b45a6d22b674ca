import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs-core';
import { hasFusedKernel } from '../../kernels/dispatch';
import { registerFusedKernels } from '../../kernels/registerAll';
import { assertDtype, assertInt, assertRank, assertShape, assertTensor, fmtShape } from '../../util/validate';
import { ssdScanChunked } from './chunked';
import { SSD_SCAN_KERNEL, SsdScanAttrs } from './kernelNames';
import { ssdScanUnfusedForm } from './unfusedForm';
import { ssdScanViaSelectiveScan } from './viaSelectiveScan';

/** Arguments of ssdScan (Mamba-2 layout). */
export interface SsdScanArgs {
  /** (Bt, L, H, P) float32 */
  x: Tensor4D;
  /** (Bt, L, H) step sizes */
  dt: Tensor3D;
  /** (H) one scalar per head (negative for a stable, decaying state) */
  A: Tensor1D;
  /** (Bt, L, G, N), H % G == 0; head h uses group floor(h / (H/G)) */
  B: Tensor4D;
  /** (Bt, L, G, N) */
  C: Tensor4D;
  /** (H) or (H, P) skip: y += D · x */
  D?: Tensor;
  /** (Bt, L, H, P) gate: y *= silu(z) */
  z?: Tensor4D;
  /** (H) added to dt before the softplus */
  dtBias?: Tensor1D;
  /** dt <- softplus(dt + dtBias) */
  dtSoftplus?: boolean;
  /** Q for the chunked (reference) path, default 64; any L, the last chunk may be partial */
  chunkSize?: number;
  /** (Bt, H, P, N) state before the first step (of the first segment) */
  initialState?: Tensor4D;
  /** (Bt, L) int32: the state resets to 0 wherever the id changes between t−1 and t (packed sequences) */
  segmentIds?: Tensor2D;
  /** then { y, lastState } with lastState (Bt, H, P, N) */
  returnLastState?: boolean;
}

export interface SsdScanResult {
  y: Tensor4D;
  lastState: Tensor4D;
}

const OP = 'ssdScan';

/**
 * Mamba-2's SSD scan. Per head h, with state S (P, N):
 *   S_t = exp(dt_t A_h) S_{t−1} + (dt_t x_t) ⊗ B_t,   y_t = S_t C_t (+ D x_t), then y_t *= silu(z_t).
 * With segmentIds, S_{t−1} is taken as 0 wherever segmentIds[b, t] ≠ segmentIds[b, t−1].
 * Runs the fused recurrent kernel on cpu/wasm; elsewhere the chunked matmul form (chunked.ts) or,
 * on webgpu, the WGSL selective-scan kernel (viaSelectiveScan.ts), as unfusedForm.ts decides;
 * all are differentiable with respect to every tensor argument.
 */
export function ssdScan(args: SsdScanArgs & { returnLastState: true }): SsdScanResult;
export function ssdScan(args: SsdScanArgs): Tensor4D;
export function ssdScan(args: SsdScanArgs): Tensor4D | SsdScanResult {
  validateSsdScanArgs(args);
  registerFusedKernels();
  if (!hasFusedKernel(SSD_SCAN_KERNEL)) {
    return ssdScanUnfusedForm() === 'selectiveScan' ? ssdScanViaSelectiveScan(args) : ssdScanChunked(args);
  }

  const attrs: SsdScanAttrs = {
    hasD: args.D != null,
    dPerChannel: args.D != null && args.D.rank === 2,
    hasZ: args.z != null,
    hasDtBias: args.dtBias != null,
    hasInit: args.initialState != null,
    hasSeg: args.segmentIds != null,
    dtSoftplus: args.dtSoftplus === true,
    returnLastState: args.returnLastState === true,
  };
  const inputs: Tensor[] = [args.x, args.dt, args.A, args.B, args.C];
  for (const t of [args.D, args.z, args.dtBias, args.initialState, args.segmentIds]) if (t) inputs.push(t);
  // An array of inputs (not a name map) so the gradient can save all of them (saveAllInputs).
  const out = tf.engine().runKernel(SSD_SCAN_KERNEL, inputs as unknown as tf.NamedTensorMap, attrs);
  if (!attrs.returnLastState) return (Array.isArray(out) ? out[0] : out) as Tensor4D;
  const [y, lastState] = out as Tensor4D[];
  return { y, lastState };
}

/** Throws an Error naming the argument, the expected and the received shape/value. */
export function validateSsdScanArgs(args: SsdScanArgs): void {
  if (args == null || typeof args !== 'object') throw new Error(`${OP}: expected an arguments object, received ${String(args)}`);
  const { x, dt, A, B, C } = args;
  for (const [name, t] of Object.entries({ x, dt, A, B, C })) {
    assertTensor(OP, name, t);
    assertDtype(OP, name, t, 'float32');
  }
  assertRank(OP, 'x', x, [4], '(Bt, L, H, P)');
  const [Bt, L, H, P] = x.shape;
  if (x.size === 0) throw new Error(`${OP}: argument 'x' must have non-zero dimensions (Bt, L, H, P), received shape ${fmtShape(x.shape)}`);
  assertShape(OP, 'dt', dt, [Bt, L, H], ['Bt', 'L', 'H']);
  assertShape(OP, 'A', A, [H], ['H']);
  assertRank(OP, 'B', B, [4], '(Bt, L, G, N)');
  assertShape(OP, 'B', B, [Bt, L, -1, -1], ['Bt', 'L', 'G', 'N']);
  const [, , G, N] = B.shape;
  if (G < 1 || N < 1 || H % G !== 0) {
    throw new Error(`${OP}: argument 'B' must have G ≥ 1 groups dividing H=${H} and N ≥ 1, received shape ${fmtShape(B.shape)}`);
  }
  assertShape(OP, 'C', C, [Bt, L, G, N], ['Bt', 'L', 'G', 'N']);
  if (args.D != null) {
    assertTensor(OP, 'D', args.D);
    assertDtype(OP, 'D', args.D, 'float32');
    assertRank(OP, 'D', args.D, [1, 2], '(H) or (H, P)');
    if (args.D.rank === 1) assertShape(OP, 'D', args.D, [H], ['H']);
    else assertShape(OP, 'D', args.D, [H, P], ['H', 'P']);
  }
  if (args.z != null) {
    assertTensor(OP, 'z', args.z);
    assertDtype(OP, 'z', args.z, 'float32');
    assertShape(OP, 'z', args.z, [Bt, L, H, P], ['Bt', 'L', 'H', 'P']);
  }
  if (args.dtBias != null) {
    assertTensor(OP, 'dtBias', args.dtBias);
    assertDtype(OP, 'dtBias', args.dtBias, 'float32');
    assertShape(OP, 'dtBias', args.dtBias, [H], ['H']);
  }
  if (args.initialState != null) {
    assertTensor(OP, 'initialState', args.initialState);
    assertDtype(OP, 'initialState', args.initialState, 'float32');
    assertShape(OP, 'initialState', args.initialState, [Bt, H, P, N], ['Bt', 'H', 'P', 'N']);
  }
  if (args.segmentIds != null) {
    assertTensor(OP, 'segmentIds', args.segmentIds);
    assertDtype(OP, 'segmentIds', args.segmentIds, 'int32');
    assertShape(OP, 'segmentIds', args.segmentIds, [Bt, L], ['Bt', 'L']);
  }
  for (const flag of ['dtSoftplus', 'returnLastState'] as const) {
    const v = args[flag];
    if (v != null && typeof v !== 'boolean') throw new Error(`${OP}: option '${flag}' must be a boolean, received ${String(v)}`);
  }
  if (args.chunkSize != null) assertInt(OP, 'chunkSize', args.chunkSize, 1);
}
