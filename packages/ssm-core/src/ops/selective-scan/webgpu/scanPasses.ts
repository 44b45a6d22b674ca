import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { copyRows, sumAxes02, zerosInfo } from '../../../kernels/webgpu/commonPrograms';
import { disposeInfos, runWgsl } from '../../../kernels/webgpu/wgslProgram';
import * as S from './scanShaders';

/**
 * Host side of the WebGPU selective scan. L is split into K chunks of T steps. Forward:
 * (1) per (b, d, chunk) the chunk's end state from zero and its decay product, (2) per (b, d, n)
 * the carries combined across chunks (a K-step recurrence), (3) per (b, d, chunk) a rescan from
 * the carry that writes y. So even Bt·D = 256 channels give 256·K threads at L = 16384.
 * Backward: the same three passes for the states, the adjoint the same way right to left, then
 * one pass per (b, d, chunk) for every gradient, and deterministic reductions (no atomics).
 * Memory: the backward holds two (Bt, D, N, L) buffers of per-channel B/C terms.
 */
export interface ScanInfos {
  u: TensorInfo;
  delta: TensorInfo;
  A: TensorInfo;
  B: TensorInfo;
  C: TensorInfo;
  D?: TensorInfo;
  z?: TensorInfo;
  bias?: TensorInfo;
  init?: TensorInfo;
  seg?: TensorInfo;
  softplus: boolean;
  reverse: boolean;
}

/** Chunk length: ~16 chunks per sequence (≥ 4 steps), and T·N ≤ 512 so the backward's private state history stays small. */
export function chunkLength(L: number, N: number): number {
  const cap = Math.max(1, Math.min(64, Math.floor(512 / N)));
  return Math.min(cap, Math.max(4, Math.ceil(L / 16)));
}

function plan(x: ScanInfos) {
  const [Bt, D, L] = x.u.shape as [number, number, number];
  const N = x.A.shape[1] as number;
  const G = x.B.shape.length === 4 ? (x.B.shape[1] as number) : 1;
  const T = chunkLength(L, N);
  const K = Math.ceil(L / T);
  const shape: S.ScanShape = { N, T, reverse: x.reverse, seg: x.seg != null };
  const uniforms = { Bt, D, L, K, DG: D / G, G };
  // preNoSeg: for passes that bind no segment ids (keepAt would name an unbound buffer).
  return { Bt, D, L, N, G, T, K, shape, uniforms, key: S.shapeKey(shape), pre: S.prelude(shape), preNoSeg: S.prelude({ ...shape, seg: false }) };
}
type Plan = ReturnType<typeof plan>;

function effDelta(be: KernelBackend, x: ScanInfos, p: Plan): TensorInfo {
  if (!x.bias && !x.softplus) return x.delta;
  const inputs = x.bias ? [x.delta, x.bias] : [x.delta];
  return runWgsl(be, {
    name: 'ssDelta', key: `${+!!x.bias}${+x.softplus}`, outputShape: x.u.shape, inputs, variableNames: x.bias ? ['delta', 'bias'] : ['delta'],
    threads: p.Bt * p.D * p.L, uniforms: { D: p.D, L: p.L }, body: S.effectiveDelta(!!x.bias, x.softplus),
  });
}

/** Forward passes 1-2: carries (Bt, D, K+1, N). */
function carries(be: KernelBackend, x: ScanInfos, dlt: TensorInfo, p: Plan): TensorInfo {
  const segIn = x.seg ? [x.seg] : [];
  const segName = x.seg ? ['seg'] : [];
  const hp = runWgsl(be, {
    name: 'ssChunkState', key: p.key, outputShape: [p.Bt, p.D, p.K, 2 * p.N], inputs: [x.u, dlt, x.A, x.B, ...segIn],
    variableNames: ['u', 'dlt', 'A', 'B', ...segName], threads: p.Bt * p.D * p.K, uniforms: p.uniforms, body: p.pre + S.CHUNK_STATE,
  });
  const carry = runWgsl(be, {
    name: 'ssCarry', key: `${p.key}_i${+!!x.init}`, outputShape: [p.Bt, p.D, p.K + 1, p.N], inputs: x.init ? [hp, x.init] : [hp],
    variableNames: x.init ? ['hp', 'init'] : ['hp'], threads: p.Bt * p.D * p.N, uniforms: p.uniforms, body: p.preNoSeg + S.carryForward(!!x.init),
  });
  disposeInfos(be, [hp]);
  return carry;
}

/** Pass 3: y before skip and gate (Bt, D, L). */
function rawY(be: KernelBackend, x: ScanInfos, dlt: TensorInfo, carry: TensorInfo, p: Plan): TensorInfo {
  return runWgsl(be, {
    name: 'ssOutput', key: p.key, outputShape: x.u.shape, inputs: [x.u, dlt, x.A, x.B, x.C, carry, ...(x.seg ? [x.seg] : [])],
    variableNames: ['u', 'dlt', 'A', 'B', 'C', 'carry', ...(x.seg ? ['seg'] : [])], threads: p.Bt * p.D * p.K, uniforms: p.uniforms,
    body: p.pre + S.CHUNK_OUTPUT,
  });
}

export function scanForwardGpu(be: KernelBackend, x: ScanInfos, wantLast: boolean): TensorInfo[] {
  const p = plan(x);
  const dlt = effDelta(be, x, p);
  const carry = carries(be, x, dlt, p);
  let y = rawY(be, x, dlt, carry, p);
  if (x.D || x.z) {
    const inputs = [y, x.u, ...(x.D ? [x.D] : []), ...(x.z ? [x.z] : [])];
    const out = runWgsl(be, {
      name: 'ssEpilogue', key: `${+!!x.D}${+!!x.z}`, outputShape: x.u.shape, inputs, variableNames: ['y', 'u', ...(x.D ? ['Dv'] : []), ...(x.z ? ['z'] : [])],
      threads: p.Bt * p.D * p.L, uniforms: { D: p.D, L: p.L }, body: S.epilogue(!!x.D, !!x.z),
    });
    disposeInfos(be, [y]);
    y = out;
  }
  const outs = [y];
  if (wantLast) outs.push(copyRows(be, carry, p.K * p.N, p.Bt * p.D, p.N, (p.K + 1) * p.N, [p.Bt, p.D, p.N]));
  disposeInfos(be, [carry, dlt === x.delta ? null : dlt]);
  return outs;
}

/** Gradients in the order of the grad kernel: du, ddelta, dA, dB, dC, dD, dz, dbias, dinit (zeros scalars when absent). */
export function scanBackwardGpu(be: KernelBackend, x: ScanInfos, dy: TensorInfo | null, dlast: TensorInfo | null): TensorInfo[] {
  const p = plan(x);
  const { Bt, D, L, N, K } = p;
  const nx = Bt * D * L;
  const dlt = effDelta(be, x, p);
  const carry = carries(be, x, dlt, p);
  const seg = x.seg ? [x.seg] : [];
  const segName = x.seg ? ['seg'] : [];
  const ug = runWgsl(be, {
    name: 'ssGyU', key: `${+!!dy}${+!!x.z}`, outputShape: [2 * nx], inputs: [x.u, ...(dy ? [dy] : []), ...(dy && x.z ? [x.z] : [])],
    variableNames: ['u', ...(dy ? ['dy'] : []), ...(dy && x.z ? ['z'] : [])], threads: 2 * nx, body: S.gyAndU(!!dy, !!x.z),
  });
  const lp = runWgsl(be, {
    name: 'ssChunkAdjoint', key: p.key, outputShape: [Bt, D, K, 2 * N], inputs: [ug, dlt, x.A, x.C, ...seg],
    variableNames: ['ug', 'dlt', 'A', 'C', ...segName], threads: Bt * D * K, uniforms: p.uniforms, body: p.pre + S.CHUNK_ADJOINT,
  });
  const st = runWgsl(be, {
    name: 'ssCarryBack', key: `${p.key}_l${+!!dlast}`, outputShape: [Bt, D, K + 1, 2 * N], inputs: [lp, carry, ...(dlast ? [dlast] : [])],
    variableNames: ['lp', 'carry', ...(dlast ? ['dlast'] : [])], threads: Bt * D * N, uniforms: p.uniforms, body: p.preNoSeg + S.carryBackward(!!dlast),
  });
  const nA = Bt * D * K * N;
  const g = runWgsl(be, {
    name: 'ssBackward', key: p.key, outputShape: [2 * nx + nA + 2 * nx * N], inputs: [ug, dlt, x.A, x.B, x.C, st, ...seg],
    variableNames: ['ug', 'dlt', 'A', 'B', 'C', 'st', ...segName], threads: Bt * D * K, uniforms: p.uniforms, body: p.pre + S.chunkBackward(p.shape),
  });
  const uni = { D, L, Bt };
  const du = runWgsl(be, {
    name: 'ssGradU', key: `${+!!x.D}`, outputShape: [Bt, D, L], inputs: [g, ...(x.D ? [ug, x.D] : [])], variableNames: ['g', ...(x.D ? ['ug', 'Dv'] : [])],
    threads: nx, uniforms: uni, body: S.gradU(!!x.D),
  });
  const ddelta = runWgsl(be, {
    name: 'ssGradDelta', key: `${+!!x.bias}${+x.softplus}`, outputShape: [Bt, D, L], inputs: [g, ...(x.softplus ? [x.delta, ...(x.bias ? [x.bias] : [])] : [])],
    variableNames: ['g', ...(x.softplus ? ['delta', ...(x.bias ? ['bias'] : [])] : [])], threads: nx, uniforms: uni, body: S.gradDelta(!!x.bias, x.softplus),
  });
  const dA = sumAxes02(be, g, 2 * nx, [Bt, D, K, N], [D, N]);
  const bcRows: [number, number, number, number] = [1, Bt * p.G, D / p.G, N * L];
  const dC = sumAxes02(be, g, 2 * nx + nA, bcRows, x.C.shape.slice());
  const dB = sumAxes02(be, g, 2 * nx + nA + nx * N, bcRows, x.B.shape.slice());
  const dD = x.D
    ? runWgsl(be, { name: 'ssGradSkip', key: '', outputShape: [D], inputs: [ug], variableNames: ['ug'], threads: D, uniforms: uni, body: S.GRAD_SKIP })
    : zerosInfo(be, []);
  let dz = zerosInfo(be, []);
  if (x.z && dy) {
    disposeInfos(be, [dz]);
    const y = rawY(be, x, dlt, carry, p);
    dz = runWgsl(be, {
      name: 'ssGradZ', key: `${+!!x.D}`, outputShape: [Bt, D, L], inputs: [y, x.u, x.z, dy, ...(x.D ? [x.D] : [])],
      variableNames: ['y', 'u', 'z', 'dy', ...(x.D ? ['Dv'] : [])], threads: nx, uniforms: uni, body: S.gradZ(!!x.D),
    });
    disposeInfos(be, [y]);
  } else if (x.z) {
    disposeInfos(be, [dz]);
    dz = zerosInfo(be, [Bt, D, L]);
  }
  const dbias = x.bias ? sumAxes02(be, ddelta, 0, [Bt, D, L, 1], [D]) : zerosInfo(be, []);
  const dinit = x.init ? copyRows(be, st, K * 2 * N + N, Bt * D, N, (K + 1) * 2 * N, [Bt, D, N]) : zerosInfo(be, []);
  disposeInfos(be, [carry, ug, lp, st, g, dlt === x.delta ? null : dlt]);
  return [du, ddelta, dA, dB, dC, dD, dz, dbias, dinit];
}
