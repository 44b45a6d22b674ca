import * as tf from '@tensorflow/tfjs-core';
import { AdapterLike, AdapterReport, requestAdapter } from './gpuAdapter';

type DeviceAdapter = AdapterLike & {
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(desc: Record<string, unknown>): Promise<unknown>;
};
type WebgpuModule = { WebGPUBackend: new (device: unknown, info: unknown) => tf.KernelBackend };

let current: AdapterReport | undefined;

/** The adapter the webgpu backend runs on (after a successful start), e.g. to label benchmarks. */
export function webgpuAdapter(): AdapterReport | undefined {
  return current;
}

/**
 * Registers tfjs's `webgpu` backend on an adapter we chose (tfjs's own factory asks
 * navigator.gpu itself and fails without a message), then sets it. `allowSoftware`: false for
 * automatic selection, which must never land on SwiftShader / a fallback adapter.
 * Returns an error string (why, and how to fix it) or undefined on success.
 */
export async function startWebgpu(allowSoftware: boolean): Promise<string | undefined> {
  const found = await requestAdapter(allowSoftware);
  if ('error' in found) return found.error;
  const { report } = found;
  const adapter = found.adapter as DeviceAdapter;
  if (report.software && !allowSoftware) {
    return `the only WebGPU adapter is ${report.name}, a CPU emulation: automatic selection skips it (name the backend to use it, e.g. for tests)`;
  }
  // Loaded only now: importing it with navigator.gpu set also registers tfjs's own factory.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('@tensorflow/tfjs-backend-webgpu') as WebgpuModule;
  if (tf.findBackend('webgpu') == null) {
    if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', async () => {
      // As tfjs-backend-webgpu's own factory (base.ts), on our adapter.
      const limits = adapter.limits;
      const requiredFeatures = ['timestamp-query'].filter((f) => adapter.features.has(f));
      const device = await adapter.requestDevice({
        requiredFeatures,
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new mod.WebGPUBackend(device, adapter.info);
    }, 3);
  }
  try {
    if (!(await tf.setBackend('webgpu'))) return `the device on ${report.name} could not be created`;
    await tf.ready();
  } catch (e) {
    return `the device on ${report.name} could not be created: ${(e as Error).message}`;
  }
  current = report;
  return undefined;
}
