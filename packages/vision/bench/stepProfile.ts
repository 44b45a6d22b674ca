/** Times forward and forward+backward of one model on the active backend, with tf.profile's top kernels. */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@statespace/ssm-core';
import { buildVisionModel } from '../src/index';

(async () => {
  await initBackend({ backend: (process.env.STATESPACE_BACKEND as 'wasm') ?? 'wasm' });
  const name = process.argv[2] ?? 'vmamba-micro';
  const batch = Number(process.argv[3] ?? 16);
  const model = buildVisionModel(name);
  const x = tf.randomUniform([batch, 32, 32, 1]);
  const y = tf.oneHot(tf.zeros([batch], 'int32') as tf.Tensor1D, 10);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => tf.tidy(() => tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars).value.dataSync());
  let t = Date.now(); tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()); console.log('first forward ms', Date.now() - t);
  t = Date.now(); step(); console.log('first step ms', Date.now() - t);
  t = Date.now(); tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync()); console.log('forward ms', Date.now() - t);
  const prof = await tf.profile(() => { step(); });
  const by: Record<string, number> = {};
  for (const k of prof.kernels) by[k.name] = (by[k.name] ?? 0) + (k.kernelTimeMs as number);
  console.log(Object.entries(by).sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('\n'));
  const sl = prof.kernels.filter((k) => k.name === 'Slice' || k.name === 'Add' || k.name === 'Tile').sort((a, b) => (b.kernelTimeMs as number) - (a.kernelTimeMs as number)).slice(0, 12);
  for (const k of sl) console.log(k.name, (k.kernelTimeMs as number).toFixed(1), JSON.stringify(k.inputShapes), JSON.stringify(k.outputShapes));
  t = Date.now(); step(); console.log('step ms', Date.now() - t, 'tensors', tf.memory().numTensors);
})().catch((e) => { console.error(e); process.exit(1); });
