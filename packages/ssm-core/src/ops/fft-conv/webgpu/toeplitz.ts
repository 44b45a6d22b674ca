import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { channelDot } from '../../../kernels/webgpu/commonPrograms';
import { GUARD, runWgsl } from '../../../kernels/webgpu/wgslProgram';
import type { FftConvAttrs } from '../cpu/fftConvKernels';
import { fftConvShift } from '../plan';

/**
 * fftConv on webgpu in its direct (Toeplitz) form: one thread per output, y[l] = Σ_j k[j]·u[l+shift−j],
 * O(L·Lk) work with no FFT passes or complex buffers. register.ts picks it or the FFT form per call
 * (formChoice.ts). Uniforms: H, L, Lk, shift.
 */

/**
 * One thread per element m of a (B, H, L) row `src`: D[h]·src[m] (when hasD) + Σ_{j = lo..hi} term.
 * lo, hi and term are WGSL expressions of m, h, row (the row's offset) and j.
 */
function rowSum(hasD: boolean, src: string, lo: string, hi: string, term: string): string {
  return `
fn main(index : i32) {
  ${GUARD}
  let m = index % uniforms.L;
  let bh = index / uniforms.L;
  let h = bh % uniforms.H;
  let row = bh * uniforms.L;
  var s = ${hasD ? `Dv[h] * ${src}[row + m]` : '0.0'};
  for (var j = ${lo}; j <= ${hi}; j = j + 1) { s = s + ${term}; }
  result[index] = s;
}`;
}

/** y[m] = Σ_j k[j]·u[m+shift−j] (+ D·u). */
const FORWARD = (hasD: boolean) =>
  rowSum(hasD, 'u', 'max(0, m + uniforms.shift - (uniforms.L - 1))', 'min(uniforms.Lk - 1, m + uniforms.shift)', 'k[h * uniforms.Lk + j] * u[row + m + uniforms.shift - j]');

/** du[m] = Σ_l dy[l]·k[l+shift−m] (+ D·dy), l written j. */
const GRAD_U = (hasD: boolean) =>
  rowSum(hasD, 'dy', 'max(0, m - uniforms.shift)', 'min(uniforms.L - 1, m - uniforms.shift + uniforms.Lk - 1)', 'dy[row + j] * k[h * uniforms.Lk + j + uniforms.shift - m]');

/** dk[h,j] = Σ_b Σ_l dy[b,h,l]·u[b,h,l+shift−j]. */
const GRAD_K = `
fn main(index : i32) {
  ${GUARD}
  let j = index % uniforms.Lk;
  let h = index / uniforms.Lk;
  let l0 = max(0, j - uniforms.shift);
  let l1 = min(uniforms.L - 1, uniforms.L - 1 + j - uniforms.shift);
  var s = 0.0;
  for (var b = 0; b < uniforms.Bt; b = b + 1) {
    let row = (b * uniforms.H + h) * uniforms.L;
    for (var l = l0; l <= l1; l = l + 1) { s = s + dy[row + l] * u[row + l + uniforms.shift - j]; }
  }
  result[index] = s;
}`;

function dims(u: TensorInfo, k: TensorInfo, a: FftConvAttrs) {
  const [Bt, H, L] = u.shape as [number, number, number];
  const Lk = k.shape[1] as number;
  return { Bt, H, L, Lk, uniforms: { Bt, H, L, Lk, shift: fftConvShift(a.mode, L) } };
}

/** A (B, H, L) output from rowSum over `src` (u or dy) with the kernel k (and D when a.hasD). */
function rowPass(be: KernelBackend, name: string, src: [string, TensorInfo], k: TensorInfo, D: TensorInfo, a: FftConvAttrs, body: string): TensorInfo {
  const d = dims(src[1], k, a);
  return runWgsl(be, {
    name, key: `${+a.hasD}`, outputShape: [d.Bt, d.H, d.L], inputs: a.hasD ? [src[1], k, D] : [src[1], k],
    variableNames: a.hasD ? [src[0], 'k', 'Dv'] : [src[0], 'k'], threads: d.Bt * d.H * d.L, uniforms: d.uniforms, body,
  });
}

/** y (B,H,L) in the direct form. */
export function toeplitzForward(be: KernelBackend, u: TensorInfo, k: TensorInfo, D: TensorInfo, a: FftConvAttrs): TensorInfo {
  return rowPass(be, 'fcForward', ['u', u], k, D, a, FORWARD(a.hasD));
}

/** dD (H) = Σ_{b,l} dy·u: shared by both forms. */
export function gradD(be: KernelBackend, u: TensorInfo, dy: TensorInfo): TensorInfo {
  return channelDot(be, dy, u, u.shape as [number, number, number]);
}

/** [du, dk] in the direct form. */
export function toeplitzBackward(be: KernelBackend, u: TensorInfo, k: TensorInfo, D: TensorInfo, dy: TensorInfo, a: FftConvAttrs): TensorInfo[] {
  const du = rowPass(be, 'fcGradU', ['dy', dy], k, D, a, GRAD_U(a.hasD));
  const d = dims(u, k, a);
  const dk = runWgsl(be, { name: 'fcGradK', key: '', outputShape: [d.H, d.Lk], inputs: [dy, u], variableNames: ['dy', 'u'], threads: d.H * d.Lk, uniforms: d.uniforms, body: GRAD_K });
  return [du, dk];
}
