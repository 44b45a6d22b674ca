import * as tfl from '@tensorflow/tfjs-layers';
import { ALPHABET, DEMO_MODEL } from './demoModelConfig';
// Registers the statespace layer classes (Block, Mamba, RMSNorm) that model.json names.
import '../../ssm-core/src/browser';

/**
 * Loads the trained demo model (model.json + weights.bin, written by tools/trainDemoModel.ts) from
 * `baseUrl` and checks it is the architecture the page decodes with: an Embedding of the
 * alphabet's size, width DEMO_MODEL.dModel, and logits over the alphabet.
 */
export async function loadDemoModel(baseUrl: string): Promise<tfl.LayersModel> {
  const url = new URL('model.json', baseUrl).href;
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(url);
  } catch (e) {
    throw new Error(`loadDemoModel: could not load ${url}: ${(e as Error).message} (train it with npm run train-model -w @statespace/web-demo)`);
  }
  const inDim = (model.layers.find((l) => l.getClassName() === 'Embedding')?.getConfig() as { inputDim?: number; outputDim?: number } | undefined);
  const outShape = model.outputs[0]?.shape;
  if (inDim?.inputDim !== ALPHABET.length || inDim.outputDim !== DEMO_MODEL.dModel || outShape?.[outShape.length - 1] !== ALPHABET.length) {
    model.dispose();
    throw new Error(`loadDemoModel: ${url} is not the demo's model: expected an Embedding(${ALPHABET.length}, ${DEMO_MODEL.dModel}) and ${ALPHABET.length} logits, received Embedding(${String(inDim?.inputDim)}, ${String(inDim?.outputDim)}) and output shape ${JSON.stringify(outShape)}`);
  }
  return model;
}
