import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, mulberry32, resolveDataDir } from '@statespace/ssm-core';
import { loadPlanetoidJson, loadTU } from '../src/data';
import { buildGraphModel } from '../src/models/buildModel';
import { resolveGraphConfig, type GraphModelConfig, type GraphModelKind } from '../src/models/config';
import { buildBatch, buildGraphsBatch, disposeBatch, type GraphBatch } from '../src/tasks/batch';
import { crossEntropy, logits } from '../src/tasks/common';

/**
 * Times one training step (forward + backward: tf.variableGrads of the loss) of a model on Cora (full graph) or on
 * a batch of TU graphs, and with --profile lists the kernels by total time (tf.profile). Not a counted benchmark.
 * `node dist-bench/bench/stepTime.js --data cora|proteins|mutag --model gmn|gcn|graph-mamba [--batch 128 --steps 3
 *   --profile --overrides JSON --backend wasm]`
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const backend = await initBackend({ backend: arg('backend') as never });
  const name = arg('data') ?? 'cora';
  const model = (arg('model') ?? 'gmn') as GraphModelKind;
  const overrides = JSON.parse(arg('overrides') ?? '{}') as Partial<GraphModelConfig>;
  const steps = Number(arg('steps') ?? 3);
  const data = resolveDataDir();
  const rng = mulberry32(0);
  let c: GraphModelConfig;
  let b: GraphBatch;
  let labels: Int32Array;
  if (name === 'cora') {
    const ds = loadPlanetoidJson(path.join(data, 'planetoid/json/cora.gcn.json'));
    c = resolveGraphConfig('tiny', { model, task: 'node', numFeatures: ds.numFeatures, numClasses: ds.numClasses }, overrides);
    b = buildBatch(c, ds.graph, ds.features, rng, true);
    labels = ds.labels;
  } else {
    const ds = loadTU(path.join(data, 'graphs', name.toUpperCase()));
    c = resolveGraphConfig('tiny', { model, task: 'graph', numFeatures: ds.numFeatures, numClasses: ds.numClasses }, overrides);
    const graphs = ds.graphs.slice(0, Number(arg('batch') ?? 128));
    b = buildGraphsBatch(c, graphs, rng, true);
    labels = Int32Array.from(graphs, (g) => g.label);
  }
  const net = buildGraphModel(c);
  const step = (): void => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(logits(net, c, b, true), labels, null, c.numClasses));
    value.dispose();
    tf.dispose(Object.values(grads));
  };
  step(); // warm-up (kernel compilation, weight init)
  const times: number[] = [];
  for (let s = 0; s < steps; s++) {
    const t0 = performance.now();
    step();
    times.push((performance.now() - t0) / 1000);
  }
  let kernels: { name: string; ms: number; calls: number }[] | undefined;
  if (process.argv.includes('--profile')) {
    const info = await tf.profile(step);
    const agg = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const a = agg.get(k.name) ?? { ms: 0, calls: 0 };
      a.ms += Number(k.kernelTimeMs) || 0;
      a.calls++;
      agg.set(k.name, a);
    }
    kernels = [...agg].map(([n, a]) => ({ name: n, ms: Math.round(a.ms), calls: a.calls })).sort((x, y) => y.ms - x.ms).slice(0, 15);
  }
  const nodes = (b.src ?? b.x).shape[0];
  console.log(JSON.stringify({ dataset: name, model, backend: backend.backend, edges: nodes, step_s: times.map((t) => +t.toFixed(3)), kernels }));
  disposeBatch(b);
  net.dispose();
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
