import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { GROUP_INDEX, runWgsl } from '../../../kernels/webgpu/wgslProgram';

/**
 * runWgsl (kernels/webgpu/wgslProgram.ts) counted in workgroups rather than threads, so that a
 * program may be written per workgroup: it then reads `localIndex` and `groupIndex()`, the flat
 * workgroup index over the 2-D dispatch (more than 65535 workgroups at {B:8, H:768, L:16384}).
 * `body` defines `fn main(index : i32)`; uniforms.threads = groups·workgroupSize.
 */
export interface FftProgramSpec {
  name: string;
  key: string;
  outputShape: number[];
  inputs: TensorInfo[];
  variableNames: string[];
  /** Number of workgroups. */
  groups: number;
  workgroupSize: number;
  uniforms: Record<string, number>;
  body: string;
}

type WebgpuBackendLike = KernelBackend & { device?: { limits: Record<string, number> } };

export function runFftProgram(backend: KernelBackend, spec: FftProgramSpec): TensorInfo {
  const { groups, body, name, ...rest } = spec;
  return runWgsl(backend, { ...rest, name: `fft_${name}`, threads: groups * spec.workgroupSize, body: `${GROUP_INDEX}\n${body}` });
}

/** A device limit (WebGPU's guaranteed minimum when the backend does not expose its device). */
export function deviceLimit(backend: KernelBackend, name: string, fallback: number): number {
  return (backend as WebgpuBackendLike).device?.limits?.[name] ?? fallback;
}

/** A float32 tensor on the backend from host values (the twiddle table). */
export function uploadF32(backend: KernelBackend, shape: number[], values: Float32Array): TensorInfo {
  return (backend as KernelBackend & { makeTensorInfo(s: number[], d: string, v: Float32Array): TensorInfo }).makeTensorInfo(shape, 'float32', values);
}
