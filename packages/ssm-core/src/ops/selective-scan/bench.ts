// Timing script for the fused selective scan (not a test). Build to JS and run with node:
//   npx tsc -p tsconfig.bench.json --outDir /tmp/ssb && ln -sfn $PWD/dist-wasm /tmp/ssb/dist-wasm &&
//   NODE_PATH=$PWD/../../node_modules node /tmp/ssb/src/ops/selective-scan/bench.js [cpu|wasm] [N] [--ref]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerFusedKernels } from '../../kernels/registerAll';
import { Arena } from '../../runtime/arena';
import { selectiveScan } from './selectiveScan';
import { selectiveScanReference } from './reference';
import type { SelectiveScanArgs } from './types';

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `best ${s[0]!.toFixed(2)} ms, median ${s[Math.floor(s.length / 2)]!.toFixed(2)} ms`;
}

async function main(): Promise<void> {
  const backend = process.argv[2] ?? 'cpu';
  const N = Number(process.argv[3] ?? 16);
  const withRef = process.argv.includes('--ref');
  registerFusedKernels();
  await tf.setBackend(backend);
  await tf.ready();
  const Bt = 2, D = 64, L = 1024;
  const args: SelectiveScanArgs = {
    u: tf.randomNormal([Bt, D, L], 0, 1, 'float32', 1) as tf.Tensor3D,
    delta: tf.randomUniform([Bt, D, L], -4, -1, 'float32', 2) as tf.Tensor3D,
    A: tf.neg(tf.tile(tf.reshape(tf.range(1, N + 1), [1, N]), [D, 1])) as tf.Tensor2D,
    B: tf.randomNormal([Bt, N, L], 0, 1, 'float32', 3),
    C: tf.randomNormal([Bt, N, L], 0, 1, 'float32', 4),
    D: tf.ones([D]) as tf.Tensor1D,
    z: tf.randomNormal([Bt, D, L], 0, 1, 'float32', 5) as tf.Tensor3D,
    deltaBias: tf.zeros([D]) as tf.Tensor1D,
    deltaSoftplus: true,
  };
  const updates = Bt * D * L * N;
  const w = tf.randomNormal([Bt, D, L], 0, 1, 'float32', 6);
  const keys = ['u', 'delta', 'A', 'B', 'C', 'D', 'z', 'deltaBias'] as const;
  const xs = keys.map((k) => args[k] as tf.Tensor);
  // fwd+bwd = the op and its gradient for the cotangent w (no loss ops in the timing).
  const loss = (fn: typeof selectiveScan) => (...v: tf.Tensor[]) => {
    const a: Record<string, unknown> = { ...args };
    keys.forEach((k, i) => (a[k] = v[i]));
    return fn(a as unknown as SelectiveScanArgs);
  };
  const time = (fn: () => void, reps: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      fn();
      out.push(performance.now() - t0);
    }
    return out;
  };
  const fwd = () => tf.tidy(() => { selectiveScan(args).dataSync(); });
  const fb = () => tf.tidy(() => { tf.grads(loss(selectiveScan))(xs, w).forEach((g) => g.dataSync()); });
  time(fwd, 3);
  Arena.peakBytes(true);
  const f = time(fwd, 15);
  const fwdPeak = Arena.peakBytes(true);
  time(fb, 2);
  Arena.peakBytes(true);
  const g = time(fb, 10);
  const bwdPeak = Arena.peakBytes(true);
  const best = (ms: number[]) => Math.min(...ms);
  console.log(`${backend} Bt=${Bt} D=${D} L=${L} N=${N}`);
  console.log(`  forward:          ${stats(f)}  (${(updates / best(f) / 1e3).toFixed(0)} M updates/s)`);
  console.log(`  forward+backward: ${stats(g)}  (${(updates / best(g) / 1e3).toFixed(0)} M updates/s)`);
  console.log(`  arena peak: forward ${(fwdPeak / 1024).toFixed(0)} KiB, forward+backward ${(bwdPeak / 1024).toFixed(0)} KiB`);
  if (withRef) {
    const r = time(() => tf.tidy(() => { tf.grads(loss(selectiveScanReference))(xs, w).forEach((x) => x.dataSync()); }), 2);
    console.log(`  reference fwd+bwd: ${stats(r)}  (fused is ${(best(r) / best(g)).toFixed(0)}x faster)`);
  }
}

if (require.main === module) void main();
