import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '../backend/registerGradients';
import { registerFusedKernels } from '../kernels/registerAll';

/** The backends tests run on here; tests loop over them with `describe.each(TEST_BACKENDS)`. */
export const TEST_BACKENDS = ['cpu', 'wasm'] as const;

export async function useBackend(name: string): Promise<void> {
  registerFusedKernels();
  await tf.setBackend(name);
  await tf.ready();
}
