import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { channelDot, copyRows, sumAxes02, zerosInfo } from '../../../kernels/webgpu/commonPrograms';
import { disposeInfos, runWgsl } from '../../../kernels/webgpu/wgslProgram';
import * as BS from './scanBackwardShaders';
import { checkScanBuffers, plan, type Plan, type ScanInfos } from './scanPlan';
import * as S from './scanShaders';

export { chunkLength, type ScanInfos } from './scanPlan';

/**
 * Host side of the WebGPU selective scan. L is split into K chunks of T steps. Forward: (1) per
 * (b, d, chunk) the chunk's end state from zero, ΣΔ and Π keep; (2) per (b, d, n) the carries
 * combined across chunks (a K-step recurrence); (3) per (b, d, chunk) a rescan from the carry that
 * writes the (gated) output. So even Bt·D = 256 channels give 256·K threads at L = 16384.
 * Backward: the forward carries again, the adjoint's carries the same way right to left, then
 * passes that recompute each chunk's states from its carries (du, dΔ per (b, d, chunk); dB, dC,
 * dA per (b, group, n, chunk)); deterministic reductions (no atomics). Memory is
 * O(Bt·D·N·L/T + Bt·D·L): no (Bt, D, N, L) buffer (see scanPlan.ts scanBuffers).
 */

const seg = (x: ScanInfos) => ({ inputs: x.seg ? [x.seg] : [], names: x.seg ? ['seg'] : [] });

/** prm = [B | C | A | Dv | bias]. */
function packParams(be: KernelBackend, x: ScanInfos, p: Plan): TensorInfo {
  const inputs = [x.B, x.C, x.A, ...(x.D ? [x.D] : []), ...(x.bias ? [x.bias] : [])];
  return runWgsl(be, {
    name: 'ssParams', key: `${+!!x.D}${+!!x.bias}`, outputShape: [p.nPrm], inputs,
    variableNames: ['B', 'C', 'A', ...(x.D ? ['Dv'] : []), ...(x.bias ? ['bias'] : [])], threads: p.nPrm, uniforms: p.uniforms,
    body: S.packParams(!!x.D, !!x.bias),
  });
}

/** Forward passes 1-2: hp (Bt, D, K, N+2) = [h | ΣΔ | Π keep] per chunk, and the carries (Bt, D, K+1, N). */
function carries(be: KernelBackend, x: ScanInfos, prm: TensorInfo, p: Plan): { hp: TensorInfo; carry: TensorInfo } {
  const sg = seg(x);
  const hp = runWgsl(be, {
    name: 'ssChunkState', key: p.key, outputShape: [p.Bt, p.D, p.K, p.N + 2], inputs: [x.u, x.delta, prm, ...sg.inputs],
    variableNames: ['u', 'delta', 'prm', ...sg.names], threads: p.Bt * p.D * p.K, uniforms: p.uniforms, body: p.pre + S.CHUNK_STATE,
  });
  const carry = runWgsl(be, {
    name: 'ssCarry', key: `N${p.N}_i${+!!x.init}`, outputShape: [p.Bt, p.D, p.K + 1, p.N], inputs: [hp, prm, ...(x.init ? [x.init] : [])],
    variableNames: ['hp', 'prm', ...(x.init ? ['init'] : [])], threads: p.Bt * p.D * p.N, uniforms: p.uniforms,
    body: S.carryPrelude(p.N) + S.carryForward(!!x.init),
  });
  return { hp, carry };
}

/** Pass 3: the output (with skip and gate), or with dy the gate's gradient dz. */
function rescan(be: KernelBackend, x: ScanInfos, prm: TensorInfo, carry: TensorInfo, p: Plan, dy: TensorInfo | null): TensorInfo {
  const sg = seg(x);
  const z = x.z ? [x.z] : [];
  return runWgsl(be, {
    name: dy ? 'ssGradZ' : 'ssOutput', key: `${p.key}_z${+!!x.z}`, outputShape: x.u.shape, inputs: [x.u, x.delta, prm, carry, ...z, ...(dy ? [dy] : []), ...sg.inputs],
    variableNames: ['u', 'delta', 'prm', 'carry', ...(x.z ? ['z'] : []), ...(dy ? ['dy'] : []), ...sg.names], threads: p.Bt * p.D * p.K, uniforms: p.uniforms,
    body: p.pre + S.chunkOutput(dy ? 'dz' : 'y', !!x.z),
  });
}

export function scanForwardGpu(be: KernelBackend, x: ScanInfos, wantLast: boolean): TensorInfo[] {
  const p = plan(x);
  checkScanBuffers(be, p, false);
  const prm = packParams(be, x, p);
  const { hp, carry } = carries(be, x, prm, p);
  const outs = [rescan(be, x, prm, carry, p, null)];
  if (wantLast) outs.push(copyRows(be, carry, p.K * p.N, p.Bt * p.D, p.N, (p.K + 1) * p.N, [p.Bt, p.D, p.N]));
  disposeInfos(be, [hp, carry, prm]);
  return outs;
}

/** Gradients in the order of the grad kernel: du, ddelta, dA, dB, dC, dD, dz, dbias, dinit (zeros scalars when absent). */
export function scanBackwardGpu(be: KernelBackend, x: ScanInfos, dy: TensorInfo | null, dlast: TensorInfo | null): TensorInfo[] {
  const p = plan(x);
  checkScanBuffers(be, p, true);
  const { Bt, D, L, N, K } = p;
  const nx = Bt * D * L;
  const sg = seg(x);
  const prm = packParams(be, x, p);
  const { hp, carry } = carries(be, x, prm, p);
  // gy: the gradient reaching the scan's output before the gate.
  const gy = !dy ? zerosInfo(be, [Bt, D, L]) : !x.z ? dy : runWgsl(be, {
    name: 'ssGatedGy', key: '', outputShape: [Bt, D, L], inputs: [dy, x.z], variableNames: ['dy', 'z'], threads: nx, body: S.GATED_GY,
  });
  const lp = runWgsl(be, {
    name: 'ssChunkAdjoint', key: p.key, outputShape: [Bt, D, K, N], inputs: [gy, x.delta, prm, ...sg.inputs],
    variableNames: ['gy', 'delta', 'prm', ...sg.names], threads: Bt * D * K, uniforms: p.uniforms, body: p.pre + BS.CHUNK_ADJOINT,
  });
  const lam = runWgsl(be, {
    name: 'ssCarryBack', key: `N${N}_l${+!!dlast}`, outputShape: [Bt, D, K + 1, N], inputs: [lp, hp, prm, ...(dlast ? [dlast] : [])],
    variableNames: ['lp', 'hp', 'prm', ...(dlast ? ['dlast'] : [])], threads: Bt * D * N, uniforms: p.uniforms,
    body: S.carryPrelude(N) + BS.carryBackward(!!dlast),
  });
  disposeInfos(be, [lp, hp]);
  const chunkIn = { inputs: [x.u, gy, x.delta, prm, carry, lam, ...sg.inputs], variableNames: ['u', 'gy', 'delta', 'prm', 'carry', 'lam', ...sg.names] };
  const perChannel = (mode: 'du' | 'ddelta') => runWgsl(be, {
    name: mode === 'du' ? 'ssGradU' : 'ssGradDelta', key: p.key, outputShape: [Bt, D, L], ...chunkIn,
    threads: Bt * D * K, uniforms: p.uniforms, body: p.pre + BS.chunkBackward(mode, p.T, N, x.softplus),
  });
  const du = perChannel('du');
  const ddelta = perChannel('ddelta');
  const g = runWgsl(be, {
    name: 'ssGradBCA', key: p.key, outputShape: [2 * p.Pd * p.nBC + Bt * K * D * N], ...chunkIn,
    threads: p.Pd * Bt * p.G * N * K, uniforms: p.uniforms, body: p.pre + BS.groupBackward(p.T),
  });
  const dC = sumAxes02(be, g, 0, [p.Pd, 1, 1, p.nBC], x.C.shape.slice());
  const dB = sumAxes02(be, g, p.Pd * p.nBC, [p.Pd, 1, 1, p.nBC], x.B.shape.slice());
  const dA = sumAxes02(be, g, 2 * p.Pd * p.nBC, [Bt * K, 1, 1, D * N], [D, N]);
  const dD = x.D ? channelDot(be, gy, x.u, [Bt, D, L]) : zerosInfo(be, []);
  const dz = !x.z ? zerosInfo(be, []) : dy ? rescan(be, x, prm, carry, p, dy) : zerosInfo(be, [Bt, D, L]);
  const dbias = x.bias ? sumAxes02(be, ddelta, 0, [Bt, D, L, 1], [D]) : zerosInfo(be, []);
  const dinit = x.init ? copyRows(be, lam, K * N, Bt * D, N, (K + 1) * N, [Bt, D, N]) : zerosInfo(be, []);
  disposeInfos(be, [carry, lam, g, prm, gy === dy ? null : gy]);
  return [du, ddelta, dA, dB, dC, dD, dz, dbias, dinit];
}
