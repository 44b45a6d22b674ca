import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { makeF32Output, readF32 } from '../../../kernels/hostIO';
import { Arena } from '../../../runtime/arena';
import { FftConvMode, fftConvShift, fftConvSize } from '../plan';

/** Kernel names (tfjs registry) of the fused forward and backward. */
export const FFT_CONV_KERNEL = 'StatespaceFftConv';
export const FFT_CONV_GRAD_KERNEL = 'StatespaceFftConvGrad';

const MODULE = 'fft_conv';

/** Attributes both kernels take: the mode and whether D is used (D is always passed, zeros when absent). */
export interface FftConvAttrs {
  mode: FftConvMode;
  hasD: boolean;
}

function dims(u: TensorInfo, k: TensorInfo, attrs: FftConvAttrs) {
  const [B, H, L] = u.shape;
  const Lk = k.shape[1];
  const shift = fftConvShift(attrs.mode, L);
  const N = fftConvSize(L, Lk, shift) / 2;
  return { B, H, L, Lk, shift, N };
}

/** Forward: inputs {u (B,H,L), k (H,Lk), D (H)}; output y (B,H,L). */
export const fftConvForwardKernel: KernelFunc = (args) => {
  const backend = args.backend as KernelBackend;
  const { u, k, D } = args.inputs as Record<string, TensorInfo>;
  const attrs = args.attrs as unknown as FftConvAttrs;
  const { B, H, L, Lk, shift, N } = dims(u, k, attrs);
  const size = B * H * L;
  const y = Arena.with(MODULE, (arena) => {
    // Copy every input into the arena before any tfjs allocation (wasm heap views go stale).
    const pu = arena.put(readF32(backend, u));
    const pk = arena.put(readF32(backend, k));
    const pd = arena.put(readF32(backend, D));
    const py = arena.alloc(size);
    const ps = arena.alloc(arena.exports.scratchFloats(N));
    arena.exports.convForward(pu, pk, pd, py, B, H, L, Lk, shift, N, ps, attrs.hasD ? 1 : 0);
    return arena.f32(py, size).slice();
  });
  return makeF32Output(backend, [B, H, L], (v) => v.set(y));
};

/** Backward: inputs {u, k, D, dy}; outputs [du (B,H,L), dk (H,Lk), dD (H)] (dD zeros when !hasD). */
export const fftConvGradKernel: KernelFunc = (args) => {
  const backend = args.backend as KernelBackend;
  const { u, k, D, dy } = args.inputs as Record<string, TensorInfo>;
  const attrs = args.attrs as unknown as FftConvAttrs;
  const { B, H, L, Lk, shift, N } = dims(u, k, attrs);
  const size = B * H * L;
  const [du, dk, dD] = Arena.with(MODULE, (arena) => {
    const pu = arena.put(readF32(backend, u));
    const pk = arena.put(readF32(backend, k));
    const pd = arena.put(readF32(backend, D));
    const pdy = arena.put(readF32(backend, dy));
    const pgu = arena.alloc(size);
    const pgk = arena.alloc(H * Lk);
    const pgd = arena.zeros(H);
    const ps = arena.alloc(arena.exports.scratchFloats(N));
    arena.exports.convBackward(pu, pk, pd, pdy, pgu, pgk, pgd, B, H, L, Lk, shift, N, ps, attrs.hasD ? 1 : 0);
    return [arena.f32(pgu, size).slice(), arena.f32(pgk, H * Lk).slice(), arena.f32(pgd, H).slice()];
  });
  return [
    makeF32Output(backend, [B, H, L], (v) => v.set(du)),
    makeF32Output(backend, [H, Lk], (v) => v.set(dk)),
    makeF32Output(backend, [H], (v) => v.set(dD)),
  ];
};

/** Gradient of FFT_CONV_KERNEL: one fused backward call for all three inputs. */
export const fftConvGradConfig: tf.GradConfig = {
  kernelName: FFT_CONV_KERNEL,
  inputsToSave: ['u', 'k', 'D'],
  gradFunc: (dy, saved, attrs) => {
    const [u, k, D] = saved;
    const grads = tf.engine().runKernel(FFT_CONV_GRAD_KERNEL, { u, k, D, dy: dy as tf.Tensor }, attrs) as tf.Tensor[];
    return { u: () => grads[0], k: () => grads[1], D: () => grads[2] };
  },
};
