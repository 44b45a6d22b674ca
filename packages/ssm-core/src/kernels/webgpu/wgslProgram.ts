import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * A compute shader for tfjs-backend-webgpu's program runner (runWebGPUProgram). One thread per
 * index in [0, threads): `body` is WGSL that defines `fn main(index : i32)`; it reads the inputs
 * (bound as `array<f32>` / `array<i32>` under `variableNames`), writes `result[...]`, and reads
 * the integer uniforms as `uniforms.<name>`. Constants baked into the WGSL go into `key`
 * (the pipeline cache key). Past 65535 workgroups the dispatch is 2-D (dispatch2d). tfjs allows one output per program and, by default, 8 storage
 * buffers: at most 7 inputs.
 */
export interface WgslSpec {
  name: string;
  key: string;
  outputShape: number[];
  inputs: TensorInfo[];
  variableNames: string[];
  threads: number;
  uniforms?: Record<string, number>;
  body: string;
  dtype?: DataType;
  workgroupSize?: number;
}

type WebgpuBackendLike = KernelBackend & {
  runWebGPUProgram(program: unknown, inputs: TensorInfo[], dtype: DataType, uniforms?: { type: string; data: number[] }[]): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
};

/** WebGPU's guaranteed minimum of maxComputeWorkgroupsPerDimension. */
const MAX_PER_DIM = 65535;

/**
 * Workgroup counts [x, y, 1] covering `groups` workgroups: past 65535 they are spread over x and y
 * (tfjs's `index` and groupIndex-style code count x fastest); x·y may exceed groups by < y.
 */
export function dispatch2d(groups: number): [number, number, number] {
  const y = Math.ceil(Math.max(1, groups) / MAX_PER_DIM);
  return [Math.ceil(Math.max(1, groups) / y), y, 1];
}

export function runWgsl(backend: KernelBackend, spec: WgslSpec): TensorInfo {
  const wg = spec.workgroupSize ?? 64;
  if (spec.inputs.length > 7) throw new Error(`${spec.name}: ${spec.inputs.length} inputs, WebGPU binds at most 7 (+ the output)`);
  const names = Object.keys(spec.uniforms ?? {});
  const program = {
    variableNames: spec.variableNames,
    outputShape: spec.outputShape,
    shaderKey: `statespace_${spec.name}_${spec.key}`,
    dispatchLayout: { x: spec.outputShape.map((_, i) => i) },
    dispatch: dispatch2d(Math.ceil(spec.threads / wg)),
    workgroupSize: [wg, 1, 1],
    size: false,
    uniforms: ['threads : i32,', ...names.map((n) => `${n} : i32,`)].join(' '),
    getUserCode: () => spec.body,
  };
  // tfjs labels shader modules and tf.time's per-dispatch timers by program.constructor.name:
  // name ours after the spec (else every one reads "Object").
  Object.defineProperty(program, 'constructor', { value: { name: spec.name }, enumerable: false });
  const data = [spec.threads, ...names.map((n) => (spec.uniforms as Record<string, number>)[n] as number)];
  return (backend as WebgpuBackendLike).runWebGPUProgram(program, spec.inputs, spec.dtype ?? 'float32', data.map((v) => ({ type: 'int32', data: [v] })));
}

/** Frees intermediate outputs of runWgsl. */
export function disposeInfos(backend: KernelBackend, infos: (TensorInfo | null | undefined)[]): void {
  for (const t of infos) if (t) (backend as WebgpuBackendLike).disposeData(t.dataId);
}

/**
 * Flat workgroup index over a 2-D dispatch (tfjs copies the builtins into these private vars), for
 * programs written per workgroup (they read `localIndex` and `groupIndex()`).
 */
export const GROUP_INDEX = 'fn groupIndex() -> i32 { return i32(workgroupId.y * numWorkgroups.x + workgroupId.x); }';

/** Returns early from main() for the padding threads of the last workgroup. */
export const GUARD = 'if (index >= uniforms.threads) { return; }';

/** WGSL helpers shared by the kernels. */
export const WGSL_MATH = `
fn softplusF(x : f32) -> f32 { if (x > 20.0) { return x; } return log(1.0 + exp(x)); }
fn sigmoidF(x : f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
`;
