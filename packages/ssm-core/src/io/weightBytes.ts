import type * as tf from '@tensorflow/tfjs-core';

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANT_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

/**
 * Bytes the weight specs occupy in the binary file, or null when that cannot be known from the
 * manifest alone (string tensors are length-prefixed, variable size).
 */
export function weightSpecsByteLength(specs: readonly tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const per = s.quantization != null ? QUANT_BYTES[s.quantization.dtype] : DTYPE_BYTES[s.dtype];
    if (per === undefined) return null;
    total += size * per;
  }
  return total;
}
