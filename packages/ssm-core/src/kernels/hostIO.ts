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
  return readHost(backend, t, 'float32', Float32Array, 'readF32');
}

/** Values of an int32 input as an Int32Array (a view where possible: do not write to it). */
export function readI32(backend: KernelBackend, t: TensorInfo): Int32Array {
  return readHost(backend, t, 'int32', Int32Array, 'readI32');
}

function readHost<A extends Float32Array | Int32Array>(
  backend: KernelBackend, t: TensorInfo, dtype: DataType, Ctor: { new (n: number): A; from(v: ArrayLike<number>): A }, op: string,
): A {
  if (t.dtype !== dtype) throw new Error(`${op}: expected a ${dtype} tensor, received ${t.dtype}`);
  if (isWasm(backend)) return backend.typedArrayFromHeap(t) as A;
  const v = (backend as CpuLike).data.get(t.dataId).values;
  if (v instanceof Ctor) return v;
  return Ctor.from(backend.readSync(t.dataId) as ArrayLike<number>);
}

/**
 * Creates a float32 output of `shape`, zero-filled on every backend (kernels may accumulate into
 * it), and fills it with `fill(view)`. On wasm the view is the output's own heap memory; on cpu it
 * is a fresh array that becomes the tensor's values. On wasm an allocation can move the heap: read
 * inputs (readF32 views) inside `fill`, after the output exists, or copy them first.
 */
export function makeF32Output(
  backend: KernelBackend,
  shape: number[],
  fill: (view: Float32Array) => void,
): TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  if (isWasm(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    const view = backend.typedArrayFromHeap(out) as Float32Array;
    view.fill(0);
    fill(view);
    return out;
  }
  const values = new Float32Array(size);
  fill(values);
  return (backend as CpuLike).makeTensorInfo(shape, 'float32', values);
}

/** Backends on which the fused host kernels are registered. */
export const HOST_BACKENDS = ['cpu', 'wasm'] as const;
