import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Moves tensor data between a tfjs backend and host typed arrays for fused kernels registered
 * on `cpu` and `wasm`. The cpu backend keeps values in JS typed arrays (read without copying);
 * the wasm backend keeps them on its heap (read with a view, written through makeOutput).
 */
type CpuLike = KernelBackend & {
  data: { get(id: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: DataType, values?: unknown): TensorInfo;
};
type WasmLike = KernelBackend & {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
};

function isWasm(b: KernelBackend): b is WasmLike {
  return typeof (b as Partial<WasmLike>).typedArrayFromHeap === 'function';
}

/** Values of a float32 input as a Float32Array (a view where possible: do not write to it). */
export function readF32(backend: KernelBackend, t: TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`readF32: expected a float32 tensor, received ${t.dtype}`);
  if (isWasm(backend)) return backend.typedArrayFromHeap(t) as Float32Array;
  const v = (backend as CpuLike).data.get(t.dataId).values;
  if (v instanceof Float32Array) return v;
  return Float32Array.from(backend.readSync(t.dataId) as ArrayLike<number>);
}

/** Values of an int32 input as an Int32Array (a view where possible: do not write to it). */
export function readI32(backend: KernelBackend, t: TensorInfo): Int32Array {
  if (t.dtype !== 'int32') throw new Error(`readI32: expected an int32 tensor, received ${t.dtype}`);
  if (isWasm(backend)) return backend.typedArrayFromHeap(t) as Int32Array;
  const v = (backend as CpuLike).data.get(t.dataId).values;
  if (v instanceof Int32Array) return v;
  return Int32Array.from(backend.readSync(t.dataId) as ArrayLike<number>);
}

/**
 * Creates a float32 output of `shape` and fills it with `fill(view)`. On wasm the view is the
 * output's own heap memory; on cpu it is a fresh array that becomes the tensor's values.
 * Read all inputs you need before creating outputs on wasm: allocation can move the heap.
 */
export function makeF32Output(
  backend: KernelBackend,
  shape: number[],
  fill: (view: Float32Array) => void,
): TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  if (isWasm(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    fill(backend.typedArrayFromHeap(out) as Float32Array);
    return out;
  }
  const values = new Float32Array(size);
  fill(values);
  return (backend as CpuLike).makeTensorInfo(shape, 'float32', values);
}

/** Backends on which the fused host kernels are registered. */
export const HOST_BACKENDS = ['cpu', 'wasm'] as const;
