/**
 * Training-step speed of a point model (`node dist-bench/bench/stepSpeed.js [model] [batch] [steps]`): per step the
 * CPU geometry (FPS, kNN, orders; uncached, random clouds), forward + backward, in wall ms and process CPU ms (CPU
 * time is what the step costs on a shared machine), one JSON line per step, then a JSON summary of the steps after
 * the first (warm-up). PROFILE=1 also prints the kernels that took longest (tf.profile).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, mulberry32 } from '@statespace/ssm-core';
import { buildPointModel } from '../src/cli/commands';
import { buildPointInputs, pointInputSpec } from '../src/models/inputs';

async function main(): Promise<void> {
  const backend = await initBackend({ backend: (process.env.STATESPACE_BACKEND as 'wasm' | undefined) ?? 'wasm' });
  const [name = 'pcm-tiny', b = '16', s = '5'] = process.argv.slice(2);
  const B = Number(b), steps = Number(s);
  const model = buildPointModel(name, 10, 1024, 'cts', 0);
  const spec = pointInputSpec(model);
  const rng = mulberry32(1);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: B }, (_, i) => i % 10), 'int32'), 10));
  const loss = (inputs: tf.Tensor[]) => tf.losses.softmaxCrossEntropy(labels, model.apply(inputs, { training: true }) as tf.Tensor) as tf.Scalar;
  const rows: { wall_ms: number; cpu_ms: number }[] = [];
  for (let step = 0; step < steps; step++) {
    const pts = Float32Array.from({ length: B * 1024 * 3 }, () => 2 * rng() - 1);
    const c0 = process.cpuUsage(), t0 = Date.now();
    const inputs = buildPointInputs(spec, pts, B, rng);
    const geo = Date.now() - t0;
    const { value, grads } = tf.variableGrads(() => loss(inputs), vars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads), ...inputs]);
    const cpu = process.cpuUsage(c0);
    const row = { step, geo_ms: geo, wall_ms: Date.now() - t0, cpu_ms: Math.round((cpu.user + cpu.system) / 1000) };
    if (step > 0) rows.push(row);
    console.log(JSON.stringify(row));
  }
  const mean = (k: 'wall_ms' | 'cpu_ms') => rows.reduce((a, r) => a + r[k], 0) / Math.max(1, rows.length);
  console.log(JSON.stringify({ bench: 'pc-step', model: name, backend, batch: B, params: model.countParams(), steps: rows.length,
    shapes_per_s_wall: +(B / (mean('wall_ms') / 1000)).toFixed(2), shapes_per_s_cpu: +(B / (mean('cpu_ms') / 1000)).toFixed(2) }));
  if (process.env.PROFILE) {
    const pts = Float32Array.from({ length: B * 1024 * 3 }, () => 2 * rng() - 1);
    const inputs = buildPointInputs(spec, pts, B, rng);
    const prof = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => loss(inputs), vars);
      return [value, ...Object.values(grads)];
    });
    const byKernel = new Map<string, number>();
    for (const k of prof.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
    console.log(JSON.stringify({ kernel_ms: Object.fromEntries([...byKernel].sort((x, y) => y[1] - x[1]).slice(0, 15).map(([k, v]) => [k, Math.round(v)])) }));
    tf.dispose(inputs);
  }
  labels.dispose();
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
