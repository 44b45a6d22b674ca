import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { treeReduce } from './treeReduce';
import { GUARD, runWgsl } from './wgslProgram';

/** Sums shorter than this stay one thread per output (a workgroup would be mostly idle). */
const TREE_MIN_TERMS = 64;

/**
 * out[i1, i3] = Σ_{i0, i2} x[offset + ((i0·a1 + i1)·a2 + i2)·a3 + i3]: reduces a (packed) buffer
 * over two axes (e.g. dA partials (Bt, D, K, N) -> (D, N); per-channel B/C terms
 * (Bt·G, D/G, N·L) -> (Bt·G, N·L); a bias gradient (Bt, D, L, 1) -> (D)). Deterministic.
 * With a3 = 1 (the summed i2 axis contiguous) and long sums: a workgroup tree reduction
 * (treeReduce; one thread per output there would loop over Bt·L terms with D threads). Otherwise
 * one thread per output, whose neighbours read neighbouring addresses (i3 is innermost).
 */
export function sumAxes02(backend: KernelBackend, x: TensorInfo, offset: number, dims: [number, number, number, number], outShape: number[]): TensorInfo {
  const [a0, a1, a2, a3] = dims;
  if (a3 === 1 && a0 * a2 >= TREE_MIN_TERMS) {
    return treeReduce(backend, {
      name: 'sum02', key: '', rows: a1, n: a0 * a2, outShape, inputs: [x], variableNames: ['x'],
      uniforms: { off: offset, a1, a2 },
      term: 'fn term(r : i32, t : i32) -> f32 { return x[uniforms.off + ((t / uniforms.a2) * uniforms.a1 + r) * uniforms.a2 + t % uniforms.a2]; }',
    });
  }
  return runWgsl(backend, {
    name: 'sum02',
    key: '',
    outputShape: outShape,
    inputs: [x],
    variableNames: ['x'],
    threads: a1 * a3,
    uniforms: { off: offset, a0, a1, a2, a3 },
    body: `
fn main(index : i32) {
  ${GUARD}
  let i1 = index / uniforms.a3;
  let i3 = index % uniforms.a3;
  var s = 0.0;
  for (var i0 = 0; i0 < uniforms.a0; i0 = i0 + 1) {
    for (var i2 = 0; i2 < uniforms.a2; i2 = i2 + 1) {
      s = s + x[uniforms.off + ((i0 * uniforms.a1 + i1) * uniforms.a2 + i2) * uniforms.a3 + i3];
    }
  }
  result[index] = s;
}`,
  });
}

/** out = x[offset + i·stride + j] for i < rows, j < cols (a strided copy out of a packed buffer), shaped outShape. */
export function copyRows(backend: KernelBackend, x: TensorInfo, offset: number, rows: number, cols: number, stride: number, outShape: number[]): TensorInfo {
  return runWgsl(backend, {
    name: 'copyRows',
    key: '',
    outputShape: outShape,
    inputs: [x],
    variableNames: ['x'],
    threads: rows * cols,
    uniforms: { off: offset, cols, stride },
    body: `
fn main(index : i32) {
  ${GUARD}
  result[index] = x[uniforms.off + (index / uniforms.cols) * uniforms.stride + index % uniforms.cols];
}`,
  });
}

/** A float32 tensor of zeros (shape [] for the scalar stand-ins of absent gradients). */
export function zerosInfo(backend: KernelBackend, shape: number[]): TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  return (backend as KernelBackend & { makeTensorInfo(s: number[], d: string, v: Float32Array): TensorInfo }).makeTensorInfo(shape, 'float32', new Float32Array(size));
}

/**
 * out[c] = Σ_{b, l} x[b, c, l]·y[b, c, l] over two (Bt, C, L) buffers (the skip weight's gradient
 * dD of the selective scan and of fftConv): a workgroup tree reduction per channel (treeReduce).
 */
export function channelDot(backend: KernelBackend, x: TensorInfo, y: TensorInfo, [Bt, C, L]: [number, number, number]): TensorInfo {
  return treeReduce(backend, {
    name: 'channelDot', key: '', rows: C, n: Bt * L, outShape: [C], inputs: [x, y], variableNames: ['x', 'y'],
    uniforms: { C, L },
    term: `fn term(r : i32, t : i32) -> f32 {
  let o = ((t / uniforms.L) * uniforms.C + r) * uniforms.L + t % uniforms.L;
  return x[o] * y[o];
}`,
  });
}
