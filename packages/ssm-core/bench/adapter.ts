import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/initBackend';
import { webgpuAdapter } from '../src/backend/webgpu/startWebgpu';

const LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage'];

type GpuDeviceLike = { limits: Record<string, number>; features: { has(f: string): boolean } };
type AdapterInfoLike = { vendor?: string; architecture?: string; device?: string; description?: string };

/**
 * `bench --adapter`: which backend starts — the named one, or automatic selection (which never
 * picks SwiftShader) — and on webgpu the adapter, its limits and whether timestamp queries (the
 * GPU time of --kernel-time) are available. One JSON object.
 */
export async function adapterReport(backend?: string): Promise<Record<string, unknown>> {
  const choice = await initBackend(backend ? { backend } : {});
  const be = tf.backend() as tf.KernelBackend & { device?: GpuDeviceLike; adapterInfo?: AdapterInfoLike };
  const report: Record<string, unknown> = { mode: backend ? 'named' : 'auto', backend: tf.getBackend(), choice };
  if (tf.getBackend() === 'webgpu') {
    const info = be.adapterInfo ?? {};
    report.adapter = webgpuAdapter();
    report.adapterInfo = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description };
    if (be.device) {
      report.limits = Object.fromEntries(LIMITS.map((k) => [k, be.device?.limits[k]]));
      report.timestampQuery = be.device.features.has('timestamp-query');
    }
  }
  return report;
}
