import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { webgpuAdapter } from '../../backend/webgpu/startWebgpu';
import { GROUP_INDEX, GUARD, disposeInfos, runWgsl } from './wgslProgram';

/**
 * out[r] = Σ_{t < n} term(r, t) for r < rows, as a workgroup tree reduction: pass 1 runs one
 * workgroup of WG threads per (row, slice); thread i of slice s sums the terms t ≡ s·WG + i
 * (mod S·WG) — consecutive threads read consecutive t, so a term contiguous in t reads coalesced —
 * then the workgroup halves its partial sums in workgroup memory; pass 2 (only when S > 1) sums
 * a row's S partials in a fixed order. Deterministic (no atomics), unlike a one-thread-per-row
 * loop it keeps the GPU busy when rows are few (768 channels × 131 072 products at fftConv's
 * {B 8, H 768, L 16384} took 22.5 ms that way on an H100).
 */
export interface TreeReduceSpec {
  name: string;
  /** Pipeline-cache key of constants baked into `prelude`/`term`. */
  key: string;
  rows: number;
  n: number;
  outShape: number[];
  inputs: TensorInfo[];
  variableNames: string[];
  uniforms?: Record<string, number>;
  /** WGSL at module scope defining `fn term(r : i32, t : i32) -> f32` (and any helpers). */
  term: string;
}

/** Most slices per row: pass 2 loops over them. */
const MAX_SLICES = 64;
/** Aim: ≥ this many workgroups in pass 1 (an H100 has 132 SMs, a few workgroups each) ... */
const TARGET_GROUPS = 4096;
/** ... but ≥ this many terms per thread. */
const MIN_TERMS_PER_THREAD = 8;

/** Threads per workgroup: 256 on a GPU; 64 on SwiftShader, which switches coroutines at every barrier. */
export function reduceThreads(): number {
  return webgpuAdapter()?.software ? 64 : 256;
}

/** Slices per row: enough workgroups to fill the GPU, few enough that each thread sums ≥ 8 terms. */
export function reduceSlices(rows: number, n: number, wg: number): number {
  const byWork = Math.floor(n / (wg * MIN_TERMS_PER_THREAD));
  const byOccupancy = Math.ceil(TARGET_GROUPS / Math.max(1, rows));
  return Math.max(1, Math.min(MAX_SLICES, byWork, byOccupancy));
}

export function treeReduce(backend: KernelBackend, spec: TreeReduceSpec, wg = reduceThreads()): TensorInfo {
  const S = reduceSlices(spec.rows, spec.n, wg);
  const groups = spec.rows * S;
  const uniforms = { ...(spec.uniforms ?? {}), n: spec.n, S, count: groups };
  // Padding workgroups of the 2-D dispatch (g ≥ count) add zeros and write nothing, but reach
  // every barrier: WGSL requires barriers in workgroup-uniform control flow.
  const partials = runWgsl(backend, {
    name: `tree_${spec.name}`,
    key: `${spec.key}_wg${wg}`,
    outputShape: S === 1 ? spec.outShape : [groups],
    inputs: spec.inputs,
    variableNames: spec.variableNames,
    threads: groups * wg,
    workgroupSize: wg,
    uniforms,
    body: `${GROUP_INDEX}
${spec.term}
const WG = ${wg};
var<workgroup> part : array<f32, ${wg}>;
fn main(index : i32) {
  let i = i32(localIndex);
  let g = groupIndex();
  let live = g < uniforms.count;
  let r = g / uniforms.S;
  var s = 0.0;
  if (live) {
    for (var t = (g % uniforms.S) * WG + i; t < uniforms.n; t = t + uniforms.S * WG) { s = s + term(r, t); }
  }
  part[i] = s;
  workgroupBarrier();
  for (var h = WG / 2; h > 0; h = h / 2) {
    if (i < h) { part[i] = part[i] + part[i + h]; }
    workgroupBarrier();
  }
  if (live && i == 0) { result[g] = part[0]; }
}`,
  });
  if (S === 1) return partials;
  const out = runWgsl(backend, {
    name: 'treeFinal',
    key: '',
    outputShape: spec.outShape,
    inputs: [partials],
    variableNames: ['p'],
    threads: spec.rows,
    uniforms: { S },
    body: `
fn main(index : i32) {
  ${GUARD}
  var s = 0.0;
  for (var j = 0; j < uniforms.S; j = j + 1) { s = s + p[index * uniforms.S + j]; }
  result[index] = s;
}`,
  });
  disposeInfos(backend, [partials]);
  return out;
}
