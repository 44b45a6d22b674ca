import * as tf from '@tensorflow/tfjs-core';
import { LayerNorm } from '@statespace/ssm-core';

/**
 * The time-series models use ssm-core's LayerNorm (fused backward; tfjs-layers' LayerNormalization
 * is pathologically slow to differentiate). TsLayerNorm stays only as a registered alias so models
 * saved with that class name (same weights gamma/beta, same config `epsilon`) still load.
 */
export class TsLayerNorm extends LayerNorm {
  static override className = 'TsLayerNorm';
}
tf.serialization.registerClass(TsLayerNorm, 'statespace');

export function layerNorm(name: string): LayerNorm {
  return new LayerNorm({ name });
}
