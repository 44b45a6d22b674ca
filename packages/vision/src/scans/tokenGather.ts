import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { HOST_BACKENDS, makeF32Output, readF32, readI32 } from '@statespace/ssm-core';
import { gatherTokensReference, scatterTokensReference } from './reference';

/** tfjs kernel names of the fused token permutation (each is the other's gradient). */
export const GATHER_TOKENS = 'VisionGatherTokens';
export const SCATTER_TOKENS = 'VisionScatterTokens';

/**
 * Which channels each of the K sequences takes: sequence k reads channels
 * [k·channelStride, k·channelStride + channels). channelStride 0: every sequence sees all channels
 * (VMamba's cross-scan); channelStride = channels: sequence k owns its own slice (GroupMamba).
 */
export interface TokenChannels {
  channels: number;
  channelStride: number;
}

interface GatherAttrs extends TokenChannels { K: number; Lp: number }
interface ScatterAttrs extends GatherAttrs { numTokens: number; inChannels: number }

const OP_G = 'gatherTokens';
const OP_S = 'scatterTokens';

function shape(t: unknown): string {
  return t instanceof tf.Tensor ? `shape [${t.shape.join(', ')}] dtype ${t.dtype}` : String(t);
}

/** Checks an index table (K, Lp) int32 with values in [0, numTokens). */
function checkIndex(op: string, index: tf.Tensor, numTokens: number): [number, number] {
  if (!(index instanceof tf.Tensor) || index.rank !== 2 || index.dtype !== 'int32') {
    throw new Error(`${op}: argument 'index' must be an int32 tensor (K, Lp), received ${shape(index)}`);
  }
  const v = index.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] >= 0 && v[i] < numTokens)) {
      throw new Error(`${op}: argument 'index' holds ${v[i]} at flat position ${i}; expected token indices in [0, ${numTokens})`);
    }
  }
  return [index.shape[0] as number, index.shape[1] as number];
}

function checkChannels(op: string, K: number, C: number, ch: TokenChannels): void {
  const { channels, channelStride } = ch;
  if (!Number.isInteger(channels) || channels < 1 || !Number.isInteger(channelStride) || channelStride < 0) {
    throw new Error(`${op}: 'channels' must be an integer >= 1 and 'channelStride' an integer >= 0, received ${channels}, ${channelStride}`);
  }
  if ((K - 1) * channelStride + channels > C) {
    throw new Error(`${op}: K=${K} sequences of ${channels} channels at stride ${channelStride} need ${(K - 1) * channelStride + channels} input channels, received C=${C}`);
  }
}

/** True when the fused kernels run on the active backend (else the reference twin). */
export function fusedTokensAvailable(): boolean {
  registerTokenKernels();
  return process.env.STATESPACE_FORCE_REFERENCE !== '1' && tf.getKernel(GATHER_TOKENS, tf.getBackend()) != null;
}

/**
 * out[b, k·channels + c, t] = x[b, index[k, t], k·channelStride + c]: K token orders of a
 * channels-last token map x (B, L, C) as channels-first sequences (B, K·channels, Lp), the layout
 * the selective scan takes, in one pass (gather and transpose fused). Gradient: scatterTokens.
 */
export function gatherTokens(x: tf.Tensor, index: tf.Tensor, ch: TokenChannels): tf.Tensor3D {
  if (!(x instanceof tf.Tensor) || x.rank !== 3 || x.dtype !== 'float32') {
    throw new Error(`${OP_G}: argument 'x' must be a float32 tensor (B, L, C), received ${shape(x)}`);
  }
  const [K, Lp] = checkIndex(OP_G, index, x.shape[1] as number);
  checkChannels(OP_G, K, x.shape[2] as number, ch);
  if (!fusedTokensAvailable()) return gatherTokensReference(x, index, ch);
  const attrs: GatherAttrs = { K, Lp, ...ch };
  return tf.engine().runKernel(GATHER_TOKENS, { x, index }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D;
}

/**
 * The adjoint of gatherTokens: y (B, K·channels, Lp) is summed back into a channels-last map
 * (B, numTokens, inChannels) at out[b, index[k, t], k·channelStride + c]. With a cross-scan index
 * and channelStride 0 this is VMamba's cross-merge (sum of the K directions). Gradient: gatherTokens.
 */
export function scatterTokens(y: tf.Tensor, index: tf.Tensor, numTokens: number, inChannels: number, ch: TokenChannels): tf.Tensor3D {
  const [K, Lp] = checkIndex(OP_S, index, numTokens);
  if (!(y instanceof tf.Tensor) || y.rank !== 3 || y.dtype !== 'float32' || y.shape[1] !== K * ch.channels || y.shape[2] !== Lp) {
    throw new Error(`${OP_S}: argument 'y' must be a float32 tensor (B, K·channels=${K * ch.channels}, Lp=${Lp}), received ${shape(y)}`);
  }
  checkChannels(OP_S, K, inChannels, ch);
  if (!fusedTokensAvailable()) return scatterTokensReference(y, index, numTokens, inChannels, ch);
  const attrs: ScatterAttrs = { K, Lp, ...ch, numTokens, inChannels };
  return tf.engine().runKernel(SCATTER_TOKENS, { y, index }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D;
}

// The permutation is plain strided copying, memory-bound. Tokens go in tiles of TILE so that both the
// channels-first side (TILE contiguous floats per channel) and the channels-last side (TILE rows, kept
// in L1 across the channel loop) are read/written in cache lines, not one float per line (~3× faster).
const TILE = 16;
const gatherKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const { x, index } = inputs as Record<string, TensorInfo>;
  const { K, Lp, channels: Co, channelStride: cs } = attrs as unknown as GatherAttrs;
  const [B, L, C] = x.shape;
  const idx = readI32(be, index).slice(); // a copy: the output allocation below may move the wasm heap
  return makeF32Output(be, [B, K * Co, Lp], (out) => {
    const xv = readF32(be, x);
    const src = new Int32Array(TILE);
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < K; k++) {
        const ob = (b * K + k) * Co * Lp;
        for (let t0 = 0; t0 < Lp; t0 += TILE) {
          const n = Math.min(TILE, Lp - t0);
          for (let j = 0; j < n; j++) src[j] = b * L * C + idx[k * Lp + t0 + j] * C + k * cs;
          for (let c = 0; c < Co; c++) {
            const o = ob + c * Lp + t0;
            for (let j = 0; j < n; j++) out[o + j] = xv[src[j] + c];
          }
        }
      }
    }
  });
};

const scatterKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as KernelBackend;
  const { y, index } = inputs as Record<string, TensorInfo>;
  const { K, Lp, channels: Co, channelStride: cs, numTokens: L, inChannels: C } = attrs as unknown as ScatterAttrs;
  const B = y.shape[0];
  const idx = readI32(be, index).slice(); // a copy: the output allocation below may move the wasm heap
  return makeF32Output(be, [B, L, C], (out) => {
    const yv = readF32(be, y);
    const dst = new Int32Array(TILE);
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < K; k++) {
        const yb = (b * K + k) * Co * Lp;
        for (let t0 = 0; t0 < Lp; t0 += TILE) {
          const n = Math.min(TILE, Lp - t0);
          for (let j = 0; j < n; j++) dst[j] = b * L * C + idx[k * Lp + t0 + j] * C + k * cs;
          for (let c = 0; c < Co; c++) {
            const i = yb + c * Lp + t0;
            for (let j = 0; j < n; j++) out[dst[j] + c] += yv[i + j];
          }
        }
      }
    }
  });
};

let registered = false;
/** Registers both kernels (cpu, wasm) and their gradients; idempotent. */
export function registerTokenKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of HOST_BACKENDS) {
    if (tf.getKernel(GATHER_TOKENS, backendName) == null) tf.registerKernel({ kernelName: GATHER_TOKENS, backendName, kernelFunc: gatherKernel });
    if (tf.getKernel(SCATTER_TOKENS, backendName) == null) tf.registerKernel({ kernelName: SCATTER_TOKENS, backendName, kernelFunc: scatterKernel });
  }
  if (tf.getGradient(GATHER_TOKENS) == null) {
    tf.registerGradient({
      kernelName: GATHER_TOKENS,
      inputsToSave: ['x', 'index'],
      gradFunc: (dy, saved, attrs) => {
        const [x, index] = saved;
        const a = attrs as unknown as GatherAttrs;
        const sa: ScatterAttrs = { ...a, numTokens: x.shape[1] as number, inChannels: x.shape[2] as number };
        return {
          x: () => tf.engine().runKernel(SCATTER_TOKENS, { y: dy as tf.Tensor, index }, sa as unknown as tf.NamedAttrMap) as tf.Tensor,
          index: () => tf.zeros(index.shape),
        };
      },
    });
  }
  if (tf.getGradient(SCATTER_TOKENS) == null) {
    tf.registerGradient({
      kernelName: SCATTER_TOKENS,
      inputsToSave: ['index'],
      gradFunc: (dy, saved, attrs) => {
        const [index] = saved;
        const a = attrs as unknown as ScatterAttrs;
        const ga: GatherAttrs = { K: a.K, Lp: a.Lp, channels: a.channels, channelStride: a.channelStride };
        return {
          y: () => tf.engine().runKernel(GATHER_TOKENS, { x: dy as tf.Tensor, index }, ga as unknown as tf.NamedAttrMap) as tf.Tensor,
          index: () => tf.zeros(index.shape),
        };
      },
    });
  }
}
