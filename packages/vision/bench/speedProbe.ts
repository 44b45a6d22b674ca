/** Quick images/s probe of the 28-px models (training step and inference) on the active backend. */
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, initBackend } from '@statespace/ssm-core';
import { buildVisionModel, countParams } from '../src/index';

export async function probe(name: string, batch: number, steps: number, overrides: Record<string, unknown> = {}): Promise<object> {
  const model = buildVisionModel(name, overrides);
  const opt = new AdamW({ lr: 1e-3, weightDecay: 0.05 });
  const x = tf.randomUniform([batch, 32, 32, 1]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32') as tf.Tensor1D, 10);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    opt.applyGradients(grads);
  });
  step();
  let t0 = Date.now();
  for (let i = 0; i < steps; i++) step();
  await tf.ready();
  const train = (batch * steps) / ((Date.now() - t0) / 1000);
  t0 = Date.now();
  for (let i = 0; i < steps; i++) tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
  const infer = (batch * steps) / ((Date.now() - t0) / 1000);
  tf.dispose([x, y]);
  return { model: name, params: countParams(model), batch, train_images_per_s: Math.round(train), infer_images_per_s: Math.round(infer), backend: tf.getBackend(), ...overrides };
}

if (require.main === module) {
  (async () => {
    await initBackend({ backend: (process.env.STATESPACE_BACKEND as 'wasm') ?? 'wasm' });
    const names = process.argv.slice(2);
    for (const n of names.length ? names : ['vmamba-micro']) console.log(JSON.stringify(await probe(n, 64, 3)));
  })().catch((e) => { console.error(e); process.exit(1); });
}
