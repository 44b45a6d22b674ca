import * as tf from '@tensorflow/tfjs-core';

/**
 * True when `kernelName` has a fused implementation on the active backend. Ops call this to
 * choose between their fused kernel and their reference twin (the fallback on every other
 * backend). `STATESPACE_FORCE_REFERENCE=1` forces the reference everywhere (for debugging).
 */
export function hasFusedKernel(kernelName: string): boolean {
  if (process.env.STATESPACE_FORCE_REFERENCE === '1') return false;
  return tf.getKernel(kernelName, tf.getBackend()) != null;
}

/** Registers `config` for each backend unless already registered (tfjs throws on duplicates). */
export function registerKernelOnce(config: Omit<tf.KernelConfig, 'backendName'> & { backendName?: string }, backends: readonly string[]): void {
  for (const backendName of backends) {
    if (tf.getKernel(config.kernelName, backendName) == null) {
      tf.registerKernel({ ...config, backendName });
    }
  }
}

export function registerGradientOnce(config: tf.GradConfig): void {
  if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
}
