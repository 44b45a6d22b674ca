/**
 * Example: a sequence model for a new domain built from the package's layers.
 *
 * Domain (generated here): a quantized sensor. Each sequence is a sine wave with its own frequency
 * and phase, quantized into `levels` tokens; the task is next-reading prediction. The model is
 * Embedding → nLayers × Block(Mamba) → RMSNorm → Dense, trained with AdamW (SSM parameters in their
 * own group), a warmup-cosine schedule and global-norm clipping; then saved with fileSystemIO,
 * loaded back, and run token by token (constant cost per token) to continue a reading.
 *
 * Run: cd packages/ssm-core && npx tsc -p tsconfig.bench.json && node dist-bench/src/examples/newDomain.js
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import {
  AdamW, buildSequenceModel, clipByGlobalNorm, fileSystemIO, generate, mulberry32, registerFusedKernels, ssmParameterGroup, warmupCosine,
  type MixerKind,
} from '../index';

export interface NewDomainOptions {
  levels?: number; // vocabulary: quantization levels of the sensor
  seqLen?: number;
  batch?: number;
  steps?: number; // training updates
  dModel?: number;
  nLayers?: number;
  mixer?: MixerKind;
  dir?: string; // where to save; default a fresh temporary directory
  log?: (line: string) => void;
}

export interface NewDomainResult {
  losses: number[];
  prompt: number[];
  generated: number[]; // by the trained model
  generatedAfterLoad: number[]; // by the model loaded from disk: must equal `generated`
  dir: string;
}

/** A batch of quantized sine readings (batch, seqLen + 1) from the generator `rng`. */
function sensorBatch(rng: () => number, batch: number, seqLen: number, levels: number): number[][] {
  return Array.from({ length: batch }, () => {
    const freq = 0.15 + 0.35 * rng();
    const phase = 2 * Math.PI * rng();
    return Array.from({ length: seqLen + 1 }, (_, t) => Math.min(levels - 1, Math.floor(((Math.sin(freq * t + phase) + 1) / 2) * levels)));
  });
}

export async function main(o: NewDomainOptions = {}): Promise<NewDomainResult> {
  const { levels = 16, seqLen = 24, batch = 8, steps = 60, dModel = 16, nLayers = 2, mixer = 'mamba', log = console.log } = o;
  registerFusedKernels();
  await tf.setBackend('cpu');

  const model = buildSequenceModel({ vocabSize: levels, dModel, nLayers, mixer, outputDim: levels, seed: 0, dState: 8 });
  const optimizer = new AdamW({
    lr: warmupCosine({ peakLr: 1e-2, warmupSteps: Math.max(1, Math.floor(steps / 10)), totalSteps: steps, minLr: 1e-4 }),
    weightDecay: 0.01,
    groups: [ssmParameterGroup(3e-3)], // ssm_* parameters (A_log, D, dt_bias): lower lr, no weight decay
  });
  const rng = mulberry32(1);
  const losses: number[] = [];
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  for (let step = 1; step <= steps; step++) {
    const seqs = sensorBatch(rng, batch, seqLen, levels);
    const loss = tf.tidy(() => {
      const all = tf.tensor2d(seqs, [batch, seqLen + 1], 'int32');
      const x = tf.slice(all, [0, 0], [batch, seqLen]);
      const y = tf.oneHot(tf.reshape(tf.slice(all, [0, 1], [batch, seqLen]), [-1]), levels);
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(x, { training: true }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(y, tf.reshape(logits, [-1, levels])) as tf.Scalar;
      }, vars);
      const { grads: clipped } = clipByGlobalNorm(grads, 1.0);
      optimizer.applyGradients(clipped);
      return value;
    });
    losses.push(loss.dataSync()[0]);
    loss.dispose();
    if (step === 1 || step % 10 === 0 || step === steps) log(`step ${step}: loss ${losses[step - 1].toFixed(4)}`);
  }

  const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'statespace-example-'));
  await model.save(fileSystemIO(dir));
  const loaded = await tfl.loadLayersModel(fileSystemIO(dir));

  const prompt = sensorBatch(mulberry32(7), 1, 12, levels)[0].slice(0, 12);
  const generated = generate(model, prompt, 12);
  const generatedAfterLoad = generate(loaded, prompt, 12);
  log(`prompt    ${prompt.join(' ')}\ngenerated ${generated.join(' ')}\nreloaded  ${generatedAfterLoad.join(' ')}`);
  model.dispose();
  loaded.dispose();
  optimizer.dispose();
  return { losses, prompt, generated, generatedAfterLoad, dir };
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
