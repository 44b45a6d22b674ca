/**
 * Training-step speed of LayerNorm (fused backward) vs its plain-ops reference vs tfjs-layers'
 * LayerNormalization: forward + gradients of Σ y·w w.r.t. x, gamma and beta. One JSON line per case.
 * Run (after building ssm-core): see docs/ssm-core.md "LayerNorm".
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, LayerNorm, layerNormalizeReference } from '@statespace/ssm-core';

async function main(): Promise<void> {
  const backend = process.argv[2] ?? 'wasm';
  await initBackend({ backend: backend as 'wasm' });
  const shape = (process.argv[3] ?? '32,64,128').split(',').map(Number);
  const d = shape[shape.length - 1];
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const w = tf.randomNormal(shape, 0, 1, 'float32', 2);
  const fused = new LayerNorm();
  const tfjs = tfl.layers.layerNormalization({ epsilon: 1e-5 });
  fused.apply(x);
  tfjs.apply(x);
  const gamma = tf.variable(tf.ones([d]));
  const beta = tf.variable(tf.zeros([d]));
  const cases: Array<[string, (v: tf.Tensor) => tf.Tensor, tf.Variable[]]> = [
    ['fused LayerNorm', (v) => fused.apply(v) as tf.Tensor, fused.trainableWeights.map((p) => (p as unknown as { val: tf.Variable }).val)],
    ['plain-ops reference', (v) => layerNormalizeReference(v, gamma, beta), [gamma, beta]],
    ['tfjs-layers LayerNormalization', (v) => tfjs.apply(v) as tf.Tensor, tfjs.trainableWeights.map((p) => (p as unknown as { val: tf.Variable }).val)],
  ];
  const step = (fn: (v: tf.Tensor) => tf.Tensor, vars: tf.Variable[]) =>
    tf.tidy(() => {
      const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(fn(v), w)))(x);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(fn(x), w)) as tf.Scalar, vars);
      return [gx, ...Object.values(grads)];
    });
  const results: Record<string, number> = {};
  for (const [name, fn, vars] of cases) {
    for (let i = 0; i < 2; i++) tf.dispose(step(fn, vars).map((t) => (t.dataSync(), t)));
    const reps = 5;
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) tf.dispose(step(fn, vars).map((t) => (t.dataSync(), t)));
    results[name] = (performance.now() - t0) / reps;
    process.stdout.write(JSON.stringify({ bench: 'layerNorm-train-step', backend: tf.getBackend(), shape, case: name, msPerStep: +results[name].toFixed(3) }) + '\n');
  }
  const speedup = results['tfjs-layers LayerNormalization'] / results['fused LayerNorm'];
  process.stdout.write(JSON.stringify({ bench: 'layerNorm-train-step', backend: tf.getBackend(), shape, speedupVsTfjsLayers: +speedup.toFixed(1), speedupVsReference: +(results['plain-ops reference'] / results['fused LayerNorm']).toFixed(2) }) + '\n');
}

void main();
