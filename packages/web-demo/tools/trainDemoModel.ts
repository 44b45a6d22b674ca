/**
 * Trains the browser demo's character-level Mamba (src/demoModelConfig.ts: the architecture the page
 * loads) on text this project owns: docs/*.md and README.md, mapped onto the 32-character alphabet.
 * The last 10 % of the text is held out for validation (bits per character). Shared kit: runCli
 * (flags, backend), fit (AdamW, cosine, clipping, atomic checkpoints, --resume, progress bar), and
 * fileSystemIO writes the final model.json + weights.bin into public/model (Vite copies it to dist/).
 *
 *   npm run train-model -w @statespace/web-demo              # wasm, seed 0, 16 epochs × 50 batches, ≤ 8 min
 *   npm run train-model -w @statespace/web-demo -- --resume  # continue where the time limit stopped it
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildSequenceModel, fileSystemIO, fit, runCli, type CliSpec, type ParsedCli, type Rng } from '@statespace/ssm-core';
import { ALPHABET, DEMO_MODEL, encode, MODEL_DIR, normalizeText } from '../src/demoModelConfig';

const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
const REPO_DIR = path.resolve(PACKAGE_DIR, '..', '..');
const V = ALPHABET.length;

const SPEC: CliSpec = {
  name: 'train-demo-model',
  commands: {
    train: {
      help: 'train the demo model on docs/*.md + README.md and save it to public/model',
      flags: {
        epochs: { type: 'integer', min: 1, default: 16, help: 'epochs of --steps batches (cosine schedule over all of them)' },
        steps: { type: 'integer', min: 1, default: 50, help: 'batches per epoch' },
        batch: { type: 'integer', min: 1, default: 16, help: 'windows per batch' },
        window: { type: 'integer', min: 8, default: 128, help: 'characters per training window' },
        lr: { type: 'number', min: 0, default: 3e-3, help: 'peak learning rate (cosine to 0)' },
        'max-minutes': { type: 'number', min: 0, default: 8, help: 'stop training after X minutes (continue with --resume)' },
        backend: { type: 'string', choices: ['cpu', 'wasm', 'webgpu', 'tensorflow'], default: 'wasm', help: 'tfjs backend' },
        out: { type: 'string', default: path.join(PACKAGE_DIR, 'public', MODEL_DIR), help: 'where model.json + weights.bin go' },
        checkpoints: { type: 'string', default: path.join(REPO_DIR, 'bench-out', 'web-demo-model'), help: 'fit checkpoints (for --resume)' },
      },
    },
  },
};

/** Every Markdown file of docs/ (sorted) and README.md, normalised onto the alphabet. */
export function loadCorpus(repoDir: string): { text: string; files: string[] } {
  const docs = fs.readdirSync(path.join(repoDir, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => path.join('docs', f));
  const files = [...docs, 'README.md'];
  const text = normalizeText(files.map((f) => fs.readFileSync(path.join(repoDir, f), 'utf8')).join('\n\n'));
  return { text, files };
}

interface Batch { x: tf.Tensor2D; y: tf.Tensor2D }

/** `count` random windows of `len + 1` characters: inputs ids[0..len), targets ids[1..len]. */
function randomBatch(ids: Int32Array, count: number, len: number, rng: Rng): Batch {
  const x = new Int32Array(count * len);
  const y = new Int32Array(count * len);
  for (let b = 0; b < count; b++) {
    const s = Math.floor(rng() * (ids.length - len - 1));
    x.set(ids.subarray(s, s + len), b * len);
    y.set(ids.subarray(s + 1, s + len + 1), b * len);
  }
  return { x: tf.tensor2d(x, [count, len], 'int32'), y: tf.tensor2d(y, [count, len], 'int32') };
}

/** Mean next-character cross-entropy in nats. */
function crossEntropy(model: tfl.LayersModel, b: Batch, training: boolean): tf.Scalar {
  const logits = model.apply(b.x, { training }) as tf.Tensor3D;
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(b.y, V), tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

/** Bits per character over consecutive windows of the held-out text. */
function validationBpc(model: tfl.LayersModel, ids: Int32Array, len: number): number {
  const n = Math.floor((ids.length - 1) / len);
  let nats = 0;
  for (let i = 0; i < n; i += 16) {
    const rows = Math.min(16, n - i);
    const x = new Int32Array(rows * len);
    const y = new Int32Array(rows * len);
    for (let r = 0; r < rows; r++) {
      x.set(ids.subarray((i + r) * len, (i + r + 1) * len), r * len);
      y.set(ids.subarray((i + r) * len + 1, (i + r + 1) * len + 1), r * len);
    }
    const b = { x: tf.tensor2d(x, [rows, len], 'int32'), y: tf.tensor2d(y, [rows, len], 'int32') };
    nats += tf.tidy(() => crossEntropy(model, b, false).dataSync()[0]) * rows;
    tf.dispose([b.x, b.y]);
  }
  return nats / n / Math.LN2;
}

async function train(p: ParsedCli): Promise<object> {
  const f = p.flags;
  const { text, files } = loadCorpus(REPO_DIR);
  const ids = Int32Array.from(encode(text));
  const split = Math.floor(ids.length * 0.9);
  const trainIds = ids.subarray(0, split);
  const valIds = ids.subarray(split);
  process.stderr.write(`corpus: ${files.length} files, ${ids.length} characters (${trainIds.length} train, ${valIds.length} validation), backend ${tf.getBackend()}\n`);
  const model = buildSequenceModel({ ...DEMO_MODEL, mixer: 'mamba', outputDim: V });
  const result = await fit<Batch>({
    model, epochs: f.epochs, batchesPerEpoch: f.steps, lr: f.lr, warmupSteps: 100, weightDecay: 0.05, seed: f.seed,
    trainBatches: function* (_epoch, rng) {
      for (let i = 0; i < f.steps; i++) yield randomBatch(trainIds, f.batch, f.window, rng);
    },
    loss: crossEntropy,
    disposeBatch: (b) => tf.dispose([b.x, b.y]),
    validate: (m) => ({ bpc: validationBpc(m, valIds, 256) }),
    monitor: { metric: 'bpc', mode: 'min' },
    checkpointDir: f.checkpoints, resume: f.resume, maxSeconds: f.maxMinutes * 60, progress: !f.quiet,
  });
  const last = result.history[result.history.length - 1];
  const saved = await model.save(fileSystemIO(f.out));
  const summary = {
    files, characters: ids.length, params: model.countParams(), weightBytes: saved.modelArtifactsInfo.weightDataBytes,
    epochs: result.history.length, steps: result.history.reduce((s, e) => s + (e.batches ?? f.steps), 0),
    trainLossNats: last?.trainLoss, trainBpc: last ? last.trainLoss / Math.LN2 : undefined, valBpc: last?.val?.bpc,
    bestEpoch: result.bestEpoch, trainSeconds: Math.round(result.trainSeconds), stopReason: result.stopReason,
    backend: tf.getBackend(), seed: f.seed, out: f.out,
  };
  if (!f.json) process.stderr.write(`${JSON.stringify(summary)}\n`);
  model.dispose();
  return summary;
}

if (require.main === module) {
  void runCli(SPEC, ['train', ...process.argv.slice(2)], { train }).then((code) => { process.exitCode = code; });
}
