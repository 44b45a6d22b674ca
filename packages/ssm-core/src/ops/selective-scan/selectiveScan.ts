import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { hasFusedKernel } from '../../kernels/dispatch';
import { registerFusedKernels } from '../../kernels/registerAll';
import { assertDtype, assertRank, assertShape, assertTensor, fmtShape } from '../../util/validate';
import { OPTIONAL_INPUTS, SELECTIVE_SCAN, SelectiveScanAttrs } from './kernelNames';
import { selectiveScanReference } from './reference';
import type { SelectiveScanArgs, SelectiveScanResult } from './types';

export type { SelectiveScanArgs, SelectiveScanResult } from './types';

const OP = 'selectiveScan';

/**
 * Mamba's selective scan (S6). Per batch b, channel d, state index n:
 *   x_t = exp(delta_t A[d,n]) x_{t-1} + delta_t B_t[n] u_t,  y_t = Σ_n x_t[n] C_t[n],
 *   out = (y + D u) · silu(z),
 * with delta <- softplus(delta + deltaBias) when asked, optional initial/last state, reverse scans
 * and segment resets. Runs the fused SIMD kernel on cpu/wasm (forward and backward never hold
 * (Bt, L, D, N)); elsewhere the reference twin. Differentiable in every float argument.
 */
export function selectiveScan(args: SelectiveScanArgs & { returnLastState: true }): SelectiveScanResult;
export function selectiveScan(args: SelectiveScanArgs): Tensor3D;
export function selectiveScan(args: SelectiveScanArgs): Tensor3D | SelectiveScanResult {
  validateSelectiveScanArgs(args);
  registerFusedKernels();
  if (!hasFusedKernel(SELECTIVE_SCAN)) return selectiveScanReference(args);
  const attrs: SelectiveScanAttrs = {
    hasD: args.D != null,
    hasZ: args.z != null,
    hasBias: args.deltaBias != null,
    hasInit: args.initialState != null,
    hasSeg: args.segmentIds != null,
    deltaSoftplus: args.deltaSoftplus === true,
    reverse: args.reverse === true,
    returnLastState: args.returnLastState === true,
  };
  const given: Record<string, Tensor | undefined> = {
    D: args.D, z: args.z, deltaBias: args.deltaBias, initialState: args.initialState, segmentIds: args.segmentIds,
  };
  // tfjs saves gradient inputs by name, so every optional input gets a scalar stand-in when absent.
  const placeholder = OPTIONAL_INPUTS.some((k) => given[k] == null) ? tf.scalar(0) : null;
  const inputs: Record<string, Tensor> = { u: args.u, delta: args.delta, A: args.A, B: args.B, C: args.C };
  for (const k of OPTIONAL_INPUTS) inputs[k] = given[k] ?? (placeholder as Tensor);
  try {
    const out = tf.engine().runKernel(SELECTIVE_SCAN, inputs as tf.NamedTensorMap, attrs) as Tensor | Tensor[];
    const list = Array.isArray(out) ? out : [out];
    if (!attrs.returnLastState) return list[0] as Tensor3D;
    return { y: list[0] as Tensor3D, lastState: list[1] as Tensor3D };
  } finally {
    placeholder?.dispose();
  }
}

function optionalTensor(name: string, x: unknown, expected: number[], dims: string[], dtype = 'float32'): void {
  if (x == null) return;
  assertTensor(OP, name, x);
  assertDtype(OP, name, x, dtype);
  assertShape(OP, name, x, expected, dims);
}

function optionalBool(name: string, v: unknown): void {
  if (v != null && typeof v !== 'boolean') throw new Error(`${OP}: option '${name}' must be a boolean, received ${String(v)}`);
}

/** Throws an Error naming the argument and the expected and received shape/value. */
export function validateSelectiveScanArgs(args: SelectiveScanArgs): void {
  if (args == null || typeof args !== 'object') throw new Error(`${OP}: expected an arguments object, received ${String(args)}`);
  const { u, delta, A, B, C } = args;
  for (const [name, t] of Object.entries({ u, delta, A, B, C })) {
    assertTensor(OP, name, t);
    assertDtype(OP, name, t, 'float32');
  }
  assertRank(OP, 'u', u, [3], '(Bt, D, L)');
  const [Bt, D, L] = u.shape as [number, number, number];
  if (L < 1 || D < 1 || Bt < 1) throw new Error(`${OP}: argument 'u' must have non-empty dimensions (Bt, D, L), received shape ${fmtShape(u.shape)}`);
  assertShape(OP, 'delta', delta, [Bt, D, L], ['Bt', 'D', 'L']);
  assertShape(OP, 'A', A, [D, -1], ['D', 'N']);
  const N = A.shape[1] as number;
  if (N < 1) throw new Error(`${OP}: argument 'A' must have N >= 1 (shape (D, N)), received shape ${fmtShape(A.shape)}`);
  assertRank(OP, 'B', B, [3, 4], '(Bt, N, L) or (Bt, G, N, L)');
  const G = B.rank === 4 ? (B.shape[1] as number) : 1;
  if (B.rank === 4) {
    assertShape(OP, 'B', B, [Bt, -1, N, L], ['Bt', 'G', `N`, 'L']);
    if (G < 1 || D % G !== 0) throw new Error(`${OP}: argument 'B' has G=${G} groups, expected a divisor of D=${D}, received shape ${fmtShape(B.shape)}`);
  } else {
    assertShape(OP, 'B', B, [Bt, N, L], ['Bt', 'N', 'L']);
  }
  const cExpected = B.rank === 4 ? [Bt, G, N, L] : [Bt, N, L];
  const cDims = B.rank === 4 ? ['Bt', 'G', 'N', 'L'] : ['Bt', 'N', 'L'];
  if (C.rank !== B.rank) throw new Error(`${OP}: argument 'C' must have the same form as B, shape (${cDims.join(', ')}) = ${fmtShape(cExpected)}, received shape ${fmtShape(C.shape)}`);
  assertShape(OP, 'C', C, cExpected, cDims);
  optionalTensor('D', args.D, [D], ['D']);
  optionalTensor('z', args.z, [Bt, D, L], ['Bt', 'D', 'L']);
  optionalTensor('deltaBias', args.deltaBias, [D], ['D']);
  optionalTensor('initialState', args.initialState, [Bt, D, N], ['Bt', 'D', 'N']);
  optionalTensor('segmentIds', args.segmentIds, [Bt, L], ['Bt', 'L'], 'int32');
  optionalBool('deltaSoftplus', args.deltaSoftplus);
  optionalBool('returnLastState', args.returnLastState);
  optionalBool('reverse', args.reverse);
}
