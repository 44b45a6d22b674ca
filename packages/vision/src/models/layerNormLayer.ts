import * as tf from '@tensorflow/tfjs-core';
import { LayerNorm } from '@statespace/ssm-core';

/**
 * The vision models use ssm-core's LayerNorm (fused backward; tfjs-layers' LayerNormalization tiles
 * its moments and its Tile gradient slices once per pixel). VisionLayerNorm stays only as a
 * registered alias so models saved with that class name (same weights gamma/beta, same config
 * `epsilon`) still load.
 */
export class VisionLayerNorm extends LayerNorm {
  static override className = 'VisionLayerNorm';
}
tf.serialization.registerClass(VisionLayerNorm, 'statespace');
