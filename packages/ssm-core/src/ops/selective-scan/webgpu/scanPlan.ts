import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { type ScanDims, scanDimsOf } from '../scanDims';
import * as S from './scanShaders';

/** The kernel inputs of one selective-scan call (optional ones absent). */
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

export type { ScanDims };

const hooks = { limitBytes: null as number | null, threadTarget: 65536 };

/**
 * Tests: `limitBytes` pretends the device binds at most that many bytes per storage buffer (null:
 * the device's limits); `threadTarget` sets the thread count channelParts aims for.
 */
export function setScanHooksForTests(h: Partial<typeof hooks>): void {
  Object.assign(hooks, h);
}

/**
 * Parts of the channel loop of the backward's per-(b, group, n, chunk) pass (dB, dC, dA): enough
 * threads to fill a GPU (~64 K) without splitting a group finer than one channel per part.
 */
export function channelParts(d: ScanDims, K: number): number {
  return Math.max(1, Math.min(d.D / d.G, Math.ceil(hooks.threadTarget / (d.Bt * d.G * d.N * K))));
}

export function plan(x: ScanInfos) {
  const dims = scanDimsOf(x.u, x.A, x.B);
  const { Bt, D, L, N, G } = dims;
  // K chunks of T steps.
  const T = chunkLength(L, N);
  const K = Math.ceil(L / T);
  const Pd = channelParts(dims, K);
  const shape: S.ScanShape = { N, T, reverse: x.reverse, seg: x.seg != null, bias: x.bias != null, softplus: x.softplus };
  const nBC = Bt * G * N * L;
  // Offsets into the packed parameter buffer prm = [B | C | A | Dv | bias].
  const offs = { offC: nBC, offA: 2 * nBC, offD: 2 * nBC + D * N, offBias: 2 * nBC + D * N + D };
  const uniforms = { Bt, D, L, K, DG: D / G, G, Pd, ...offs };
  return { ...dims, T, K, Pd, nBC, nPrm: offs.offBias + D, shape, uniforms, key: S.shapeKey(shape), pre: S.prelude(shape), preNoSeg: S.prelude({ ...shape, seg: false }) };
}
export type Plan = ReturnType<typeof plan>;

/**
 * Float counts of every buffer a forward or backward call binds (inputs and the buffers it allocates;
 * the (D), (D, N), (Bt, D, N) and B/C-shaped gradients are smaller than the ones listed).
 */
export function scanBuffers(d: ScanDims, backward: boolean): { name: string; floats: number }[] {
  const T = chunkLength(d.L, d.N);
  const K = Math.ceil(d.L / T);
  const nx = d.Bt * d.D * d.L;
  const nBC = d.Bt * d.G * d.N * d.L;
  const Pd = channelParts(d, K);
  const out = [
    { name: `${backward ? 'u, delta, z, dy, du, ddelta, dz' : 'u, delta, z, y'} (Bt, D, L)`, floats: nx },
    { name: 'packed B, C, A, D, deltaBias', floats: 2 * nBC + d.D * d.N + 2 * d.D },
    { name: 'chunk end states (Bt, D, K, N+2)', floats: d.Bt * d.D * K * (d.N + 2) },
    { name: 'chunk carries (Bt, D, K+1, N)', floats: d.Bt * d.D * (K + 1) * d.N },
  ];
  if (backward) {
    out.push({ name: 'adjoint chunk states (Bt, D, K, N)', floats: d.Bt * d.D * K * d.N });
    out.push({ name: 'adjoint carries (Bt, D, K+1, N)', floats: d.Bt * d.D * (K + 1) * d.N });
    out.push({ name: 'dB, dC partials and dA partials', floats: 2 * Pd * nBC + d.Bt * K * d.D * d.N });
  }
  return out;
}

/** The largest storage buffer the device binds: min(maxStorageBufferBindingSize, maxBufferSize). */
function deviceLimit(be: KernelBackend): { bytes: number; what: string } {
  const lim = (be as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number; maxBufferSize?: number } } }).device?.limits;
  const bind = hooks.limitBytes ?? lim?.maxStorageBufferBindingSize ?? Infinity;
  const buf = hooks.limitBytes == null ? (lim?.maxBufferSize ?? Infinity) : Infinity;
  return bind <= buf
    ? { bytes: bind, what: `device.limits.maxStorageBufferBindingSize = ${bind} bytes${hooks.limitBytes != null ? ' (set for tests)' : ''}` }
    : { bytes: buf, what: `device.limits.maxBufferSize = ${buf} bytes` };
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

/**
 * Throws, before anything is dispatched, when a buffer of this call would exceed what the device
 * binds (Dawn would otherwise fail with a validation error that names no shape).
 */
export function checkScanBuffers(be: KernelBackend, d: ScanDims, backward: boolean): void {
  const limit = deviceLimit(be);
  for (const b of scanBuffers(d, backward)) {
    const bytes = 4 * b.floats;
    if (bytes > limit.bytes) {
      throw new Error(
        `selectiveScan (webgpu ${backward ? 'backward' : 'forward'}): at shape {Bt: ${d.Bt}, D: ${d.D}, L: ${d.L}, N: ${d.N}, G: ${d.G}} ` +
        `the buffer '${b.name}' needs ${bytes} bytes (${mib(bytes)}), more than this device binds: ${limit.what} (${mib(limit.bytes)}). ` +
        'Split the batch or the sequence (carry the state with initialState / returnLastState), or run the scan on the wasm or cpu backend.',
      );
    }
  }
}
