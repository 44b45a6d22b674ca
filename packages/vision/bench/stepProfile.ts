/**
 * Profiles one training step (tf.variableGrads of the loss) of a vision model on the active backend:
 * forward and step wall times, and kernel time summed per (kernel, input shapes), largest first.
 * node dist-bench/bench/stepProfile.js [model] [batch] [overrides JSON] [top N]; last line is JSON.
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@statespace/ssm-core';
import { buildVisionModel, countParams } from '../src/index';

(async () => {
  await initBackend({ backend: (process.env.STATESPACE_BACKEND as 'wasm') ?? 'wasm' });
  const name = process.argv[2] ?? 'vmamba-micro';
  const batch = Number(process.argv[3] ?? 64);
  const overrides = JSON.parse(process.argv[4] ?? '{}');
  const top = Number(process.argv[5] ?? 25);
  const model = buildVisionModel(name, overrides);
  const size = model.inputs[0].shape[1] as number;
  const x = tf.randomUniform([batch, size, size, model.inputs[0].shape[3] as number]);
  const y = tf.oneHot(tf.zeros([batch], 'int32') as tf.Tensor1D, model.outputs[0].shape[1] as number);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => tf.tidy(() => tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars).value.dataSync());
  step(); // warm-up (kernel registration, wasm heap growth)
  let t = Date.now();
  tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
  const forwardMs = Date.now() - t;
  const prof = await tf.profile(() => { step(); });
  const by = new Map<string, { ms: number; calls: number }>();
  for (const k of prof.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const e = by.get(key) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs as number;
    e.calls++;
    by.set(key, e);
  }
  const rows = [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top);
  for (const [k, v] of rows) console.log(`${v.ms.toFixed(1).padStart(8)} ms  x${v.calls}  ${k}`);
  const kernelMs = prof.kernels.reduce((a, k) => a + (k.kernelTimeMs as number), 0);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) { t = Date.now(); step(); times.push(Date.now() - t); }
  const stepMs = Math.min(...times);
  console.log(JSON.stringify({ model: name, params: countParams(model), batch, forward_ms: forwardMs, step_ms: stepMs, kernel_ms: Math.round(kernelMs), kernels: prof.kernels.length, train_images_per_s: Math.round((batch * 1000) / stepMs), backend: tf.getBackend(), load: os.loadavg()[0], ...overrides }));
})().catch((e) => { console.error(e); process.exit(1); });
