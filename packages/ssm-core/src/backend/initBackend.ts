import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import './registerGradients';
import { registerFusedKernels } from '../kernels/registerAll';
import { startWebgpu } from './webgpu/startWebgpu';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgpu';

export interface InitBackendOptions {
  /** Force a backend; otherwise `STATESPACE_BACKEND`, otherwise the best available. */
  backend?: BackendName | string;
  /** Print the chosen backend to stderr (default: false). */
  verbose?: boolean;
}

export interface BackendChoice {
  backend: string;
  /** Why this backend: 'option', 'env' or 'auto'. */
  reason: 'option' | 'env' | 'auto';
  /** Backends tried before it that failed, with the error. */
  skipped: { backend: string; error: string }[];
}

/** Automatic choice, best first. */
export const AUTO_ORDER = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

const NODE_BINDINGS = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** Loads tfjs-node(-gpu) when installed: it registers the `tensorflow` backend. Never required. */
function tryLoadTensorflow(): string | undefined {
  const errors: string[] = [];
  for (const name of NODE_BINDINGS) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(name);
      return undefined;
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return errors.join('; ');
}

/** Starts backend `name`; `named`: chosen by the caller (webgpu may then run on SwiftShader). */
async function trySet(name: string, named: boolean): Promise<string | undefined> {
  try {
    if (name === 'webgpu') return await startWebgpu(named);
    if (name === 'tensorflow' && !tf.findBackendFactory('tensorflow')) {
      const err = tryLoadTensorflow();
      if (err !== undefined) return `not installed (${err})`;
    }
    if (!tf.findBackendFactory(name)) return 'no such backend is registered';
    const ok = await tf.setBackend(name);
    if (!ok) return 'initialization failed';
    await tf.ready();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Picks the TensorFlow.js backend: `tensorflow` (tfjs-node / tfjs-node-gpu) when importable,
 * else `webgpu` on a real GPU adapter (never on SwiftShader or another fallback/CPU adapter:
 * that one only when named), else `wasm`, else `cpu`. `options.backend` or the `STATESPACE_BACKEND` variable overrides the
 * choice (and then failing to start it is an error). Registers statespace's fused kernels.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  registerFusedKernels();
  const forced = options.backend ?? process.env.STATESPACE_BACKEND;
  const reason: BackendChoice['reason'] = options.backend ? 'option' : forced ? 'env' : 'auto';
  if (forced) {
    const err = await trySet(forced, true);
    if (err !== undefined) {
      const src = reason === 'option' ? 'initBackend({ backend })' : 'STATESPACE_BACKEND';
      throw new Error(`${src}: could not start backend '${forced}': ${err}. Backends: tensorflow (if tfjs-node(-gpu) is installed), webgpu (a WebGPU adapter), wasm, cpu.`);
    }
    return report({ backend: forced, reason, skipped: [] }, options);
  }
  const skipped: BackendChoice['skipped'] = [];
  for (const name of AUTO_ORDER) {
    const err = await trySet(name, false);
    if (err === undefined) return report({ backend: name, reason, skipped }, options);
    skipped.push({ backend: name, error: err });
  }
  throw new Error(`initBackend: no backend could start: ${skipped.map((s) => `${s.backend}: ${s.error}`).join('; ')}`);
}

function report(choice: BackendChoice, options: InitBackendOptions): BackendChoice {
  if (options.verbose) {
    process.stderr.write(`statespace: backend ${choice.backend} (${choice.reason})\n`);
  }
  return choice;
}
