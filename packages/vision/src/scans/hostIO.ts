import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Host-side access to tensor data for the fused token kernels on `cpu` and `wasm` (the same
 * approach as ssm-core's internal kernels/hostIO, which the package does not export): cpu keeps
 * values in JS typed arrays, wasm on its heap (read through a view, written through makeOutput).
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

/**
 * A view of a float32 input (do not write to it). On wasm an allocation can move the heap, so take
 * views inside makeF32Output's `fill`, after the output exists.
 */
export function viewF32(backend: KernelBackend, t: TensorInfo): Float32Array {
  if (isWasm(backend)) return backend.typedArrayFromHeap(t) as Float32Array;
  const v = (backend as CpuLike).data.get(t.dataId).values;
  return v instanceof Float32Array ? v : Float32Array.from(backend.readSync(t.dataId) as ArrayLike<number>);
}

/** A copy of an int32 input. */
export function copyI32(backend: KernelBackend, t: TensorInfo): Int32Array {
  if (isWasm(backend)) return (backend.typedArrayFromHeap(t) as Int32Array).slice();
  const v = (backend as CpuLike).data.get(t.dataId).values;
  return v instanceof Int32Array ? v : Int32Array.from(backend.readSync(t.dataId) as ArrayLike<number>);
}

/** A float32 output of `shape` (zero-filled) written by `fill`. */
export function makeF32Output(backend: KernelBackend, shape: number[], fill: (view: Float32Array) => void): TensorInfo {
  if (isWasm(backend)) {
    const out = backend.makeOutput(shape, 'float32');
    const view = backend.typedArrayFromHeap(out) as Float32Array;
    view.fill(0);
    fill(view);
    return out;
  }
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(values);
  return (backend as CpuLike).makeTensorInfo(shape, 'float32', values);
}

export const HOST_BACKENDS = ['cpu', 'wasm'] as const;
