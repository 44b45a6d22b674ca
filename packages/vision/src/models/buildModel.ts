import * as tfl from '@tensorflow/tfjs-layers';
import { Block, LayerNorm, SeededInitializer } from '@statespace/ssm-core';
import { resolveModelConfig, type VisionModelConfig } from './configs';
import './layerNormLayer'; // registers the old class name VisionLayerNorm, so older saved models load
import { VisionVSSBlock } from './vssBlock';
import { VisionConv2D } from '../conv/convLayer';

/** PyTorch-default init U(±1/sqrt(fan_in)), seeded (same weights on every backend). */
function init(fanIn: number, seed: number): SeededInitializer {
  const b = 1 / Math.sqrt(fanIn);
  return new SeededInitializer({ distribution: 'uniform', seed, minval: -b, maxval: b });
}

/** Spatial size after a 'same' conv of stride s. */
const down = (n: number, s: number) => Math.ceil(n / s);

/**
 * A VMamba-family classifier as a tf.LayersModel: input (batch, H, W, inChannels) → patch-embed
 * conv (stride patchSize) + LayerNorm → stages of VisionVSSBlock (3×3 stride-2 conv + LayerNorm
 * between stages) → LayerNorm → global average pool → Dense logits. `tokenMixer` 'hydra' or
 * 'mambamixer' replaces each block's SS2D by that ssm-core mixer over the row-major token sequence
 * (a pre-norm residual Block), keeping the block's MLP.
 */
export function buildVisionModel(name: string, overrides: Partial<VisionModelConfig> = {}): tfl.LayersModel {
  const c = resolveModelConfig(name, overrides);
  const input = tfl.input({ shape: [c.inputSize, c.inputSize, c.inChannels], name: 'image' });
  let seed = c.seed * 1000;
  let x: tfl.SymbolicTensor;
  if (c.stem === 'patch') {
    x = new VisionConv2D({ filters: c.dims[0], kernelSize: c.patchSize, strides: c.patchSize, seed: seed++, name: 'patch_embed' }).apply(input) as tfl.SymbolicTensor;
  } else {
    // overlapping stem: (patchSize = 4) 3×3 stride-2 conv to dims[0]/2 + ReLU, then 3×3 stride 2 to dims[0]
    x = input;
    const convs = c.patchSize === 4 ? [Math.max(8, c.dims[0] >> 1), c.dims[0]] : [c.dims[0]];
    convs.forEach((f, i) => {
      x = new VisionConv2D({ filters: f, kernelSize: 3, strides: 2, activation: i < convs.length - 1 ? 'relu' : 'linear', seed: seed++, name: `stem_conv_${i}` }).apply(x) as tfl.SymbolicTensor;
    });
  }
  x = new LayerNorm({ name: 'patch_norm' }).apply(x) as tfl.SymbolicTensor;
  let size = down(c.inputSize, c.patchSize);
  const total = c.depths.reduce((a, b) => a + b, 0);
  let n = 0;
  c.dims.forEach((dim, s) => {
    if (s > 0) {
      x = new VisionConv2D({ filters: dim, kernelSize: 3, strides: 2, seed: seed++, name: `downsample_${s}` }).apply(x) as tfl.SymbolicTensor;
      x = new LayerNorm({ name: `downsample_norm_${s}` }).apply(x) as tfl.SymbolicTensor;
      size = down(size, 2);
    }
    for (let d = 0; d < c.depths[s]; d++, n++) {
      const dropPath = total > 1 ? (c.dropPath * n) / (total - 1) : c.dropPath;
      if (c.tokenMixer !== 'ss2d') {
        const className = c.tokenMixer === 'hydra' ? 'Hydra' : 'MambaMixer';
        const config: Record<string, number> = c.tokenMixer === 'hydra' ? { dModel: dim, headDim: Math.min(dim * 2, 32), dState: 16 } : { dModel: dim, seqLen: size * size, nLayers: 1 };
        x = tfl.layers.reshape({ targetShape: [size * size, dim], name: `tokens_${s}_${d}` }).apply(x) as tfl.SymbolicTensor;
        x = new Block({ mixer: { className, config }, dropPath, name: `mixer_${s}_${d}` }).apply(x) as tfl.SymbolicTensor;
        x = tfl.layers.reshape({ targetShape: [size, size, dim], name: `map_${s}_${d}` }).apply(x) as tfl.SymbolicTensor;
      }
      x = new VisionVSSBlock({
        dim, variant: c.variant, dState: c.dState, ssmRatio: c.ssmRatio, mlpRatio: c.mlpRatio, dropPath, atrousStride: c.atrousStride,
        ss2d: c.tokenMixer === 'ss2d', seed: seed++, name: `vss_${s}_${d}`,
      }).apply(x) as tfl.SymbolicTensor;
    }
  });
  x = new LayerNorm({ name: 'head_norm' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tfl.SymbolicTensor;
  const last = c.dims[c.dims.length - 1];
  const logits = tfl.layers.dense({ units: c.numClasses, kernelInitializer: init(last, seed++), biasInitializer: init(last, seed++), name: 'head' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: `${name}` });
}

/** Number of trainable parameters. */
export function countParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d as number), 1), 0);
}
