import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { registerKernelOnce } from '../../../kernels/dispatch';
import { runWgsl } from '../../../kernels/webgpu/wgslProgram';
import { FFT_CONV_GRAD_KERNEL, FFT_CONV_KERNEL, FftConvAttrs } from '../cpu/fftConvKernels';
import { fftConvShift } from '../plan';

/**
 * fftConv on webgpu in its direct (Toeplitz) form: one thread per output, y[l] = Σ_j k[j]·u[l+shift−j],
 * O(L·Lk) work with no FFT passes or complex buffers. Chosen over a WGSL Stockham FFT for now
 * (docs/gpu.md: the FFT is not written; on SwiftShader the direct form beats tf.spectral at the
 * measured sizes). Uniforms: H, L, Lk, shift.
 */
const FORWARD = (hasD: boolean) => `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let l = index % uniforms.L;
  let bh = index / uniforms.L;
  let h = bh % uniforms.H;
  let row = bh * uniforms.L;
  let j0 = max(0, l + uniforms.shift - (uniforms.L - 1));
  let j1 = min(uniforms.Lk - 1, l + uniforms.shift);
  var s = ${hasD ? 'Dv[h] * u[row + l]' : '0.0'};
  for (var j = j0; j <= j1; j = j + 1) { s = s + k[h * uniforms.Lk + j] * u[row + l + uniforms.shift - j]; }
  result[index] = s;
}`;

/** du[m] = Σ_l dy[l]·k[l+shift−m] (+ D·dy). */
const GRAD_U = (hasD: boolean) => `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  let m = index % uniforms.L;
  let bh = index / uniforms.L;
  let h = bh % uniforms.H;
  let row = bh * uniforms.L;
  let l0 = max(0, m - uniforms.shift);
  let l1 = min(uniforms.L - 1, m - uniforms.shift + uniforms.Lk - 1);
  var s = ${hasD ? 'Dv[h] * dy[row + m]' : '0.0'};
  for (var l = l0; l <= l1; l = l + 1) { s = s + dy[row + l] * k[h * uniforms.Lk + l + uniforms.shift - m]; }
  result[index] = s;
}`;

/** dk[h,j] = Σ_b Σ_l dy[b,h,l]·u[b,h,l+shift−j]. */
const GRAD_K = `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
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

/** dD[h] = Σ_{b,l} dy·u. */
const GRAD_D = `
fn main(index : i32) {
  if (index >= uniforms.threads) { return; }
  var s = 0.0;
  for (var b = 0; b < uniforms.Bt; b = b + 1) {
    let row = (b * uniforms.H + index) * uniforms.L;
    for (var l = 0; l < uniforms.L; l = l + 1) { s = s + dy[row + l] * u[row + l]; }
  }
  result[index] = s;
}`;

function dims(u: TensorInfo, k: TensorInfo, a: FftConvAttrs) {
  const [Bt, H, L] = u.shape as [number, number, number];
  const Lk = k.shape[1] as number;
  return { Bt, H, L, Lk, uniforms: { Bt, H, L, Lk, shift: fftConvShift(a.mode, L) } };
}

const forward: KernelFunc = ({ inputs, backend, attrs }) => {
  const { u, k, D } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as FftConvAttrs;
  const d = dims(u, k, a);
  return runWgsl(backend as KernelBackend, {
    name: 'fcForward', key: `${+a.hasD}`, outputShape: [d.Bt, d.H, d.L], inputs: a.hasD ? [u, k, D] : [u, k],
    variableNames: a.hasD ? ['u', 'k', 'Dv'] : ['u', 'k'], threads: d.Bt * d.H * d.L, uniforms: d.uniforms, body: FORWARD(a.hasD),
  });
};

/** Outputs [du, dk, dD] as the cpu kernel (dD is computed even without D: the op then ignores it). */
const backward: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const { u, k, D, dy } = inputs as Record<string, TensorInfo>;
  const a = attrs as unknown as FftConvAttrs;
  const d = dims(u, k, a);
  const du = runWgsl(be, {
    name: 'fcGradU', key: `${+a.hasD}`, outputShape: [d.Bt, d.H, d.L], inputs: a.hasD ? [dy, k, D] : [dy, k],
    variableNames: a.hasD ? ['dy', 'k', 'Dv'] : ['dy', 'k'], threads: d.Bt * d.H * d.L, uniforms: d.uniforms, body: GRAD_U(a.hasD),
  });
  const dk = runWgsl(be, { name: 'fcGradK', key: '', outputShape: [d.H, d.Lk], inputs: [dy, u], variableNames: ['dy', 'u'], threads: d.H * d.Lk, uniforms: d.uniforms, body: GRAD_K });
  const dD = runWgsl(be, { name: 'fcGradD', key: '', outputShape: [d.H], inputs: [dy, u], variableNames: ['dy', 'u'], threads: d.H, uniforms: d.uniforms, body: GRAD_D });
  return [du, dk, dD];
};

export function registerFftConvWebgpu(): void {
  registerKernelOnce({ kernelName: FFT_CONV_KERNEL, backendName: 'webgpu', kernelFunc: forward }, ['webgpu']);
  registerKernelOnce({ kernelName: FFT_CONV_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: backward }, ['webgpu']);
}
