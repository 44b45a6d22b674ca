/**
 * Timing of the fused causalConv1d against its reference twin (and a plain-JS loop forward, to
 * justify the SIMD module). Not a test. Run from packages/ssm-core after compiling, e.g.
 *   npx tsc -p tsconfig.bench.json && node dist-bench/src/ops/causal-conv1d/perf.js [Bt D L W]
 * Env: RUNS (fused, default 5), REF_RUNS (reference, default 1), REF_BACKENDS (default wasm,cpu).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients (needed by the reference twin)
import { registerFusedKernels } from '../../kernels/registerAll';
import { causalConv1d, CausalConv1dArgs } from './causalConv1d';
import { causalConv1dReference } from './reference';

function time(fn: () => void, runs: number, warmUp = true): { best: number; median: number } {
  if (warmUp) fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { best: ts[0] as number, median: ts[Math.floor(ts.length / 2)] as number };
}

/** Plain-JS forward (bias + silu, W taps) over the same data, for the SIMD-vs-JS comparison. */
function jsForward(x: Float32Array, w: Float32Array, bias: Float32Array, rows: number, dim: number, len: number, width: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const d = r % dim;
    const o = r * len;
    for (let l = 0; l < len; l++) {
      let z = bias[d] as number;
      for (let j = 0; j < width; j++) {
        const p = l + j - width + 1;
        if (p >= 0) z += (w[d * width + j] as number) * (x[o + p] as number);
      }
      y[o + l] = z / (1 + Math.exp(-z));
    }
  }
  return y;
}

async function main(): Promise<void> {
  const [batch, dim, len, width] = (process.argv.slice(2).length ? process.argv.slice(2) : ['8', '512', '2048', '4']).map(Number) as [number, number, number, number];
  const runs = Number(process.env.RUNS ?? 5);
  // the reference twin is slow on cpu (its strided slices): one cold run unless REF_RUNS says more
  const refRuns = Number(process.env.REF_RUNS ?? 1);
  registerFusedKernels();
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    await tf.ready();
    const x = tf.randomUniform([batch, dim, len], -1, 1, 'float32', 1) as tf.Tensor3D;
    const weight = tf.randomUniform([dim, width], -1, 1, 'float32', 2) as tf.Tensor2D;
    const bias = tf.randomUniform([dim], -1, 1, 'float32', 3) as tf.Tensor1D;
    const cot = tf.randomUniform([batch, dim, len], -1, 1, 'float32', 4);
    const segmentIds = tf.tidy(() => tf.cast(tf.tile(tf.reshape(tf.floorDiv(tf.range(0, len, 1, 'int32'), 300), [1, len]), [batch, 1]), 'int32')) as tf.Tensor2D;
    const impls: [string, (a: CausalConv1dArgs) => tf.Tensor3D][] = [['fused', causalConv1d], ['reference', causalConv1dReference]];
    for (const seg of [false, true]) {
      for (const [name, op] of impls) {
        // REF_BACKENDS=wasm skips the cpu reference (minutes at the full shape)
        if (name === 'reference' && !(process.env.REF_BACKENDS ?? 'wasm,cpu').split(',').includes(backend)) continue;
        const args: CausalConv1dArgs = { x, weight, bias, activation: 'silu', segmentIds: seg ? segmentIds : undefined };
        // (the tidy callbacks return nothing: tidy would walk a returned typed array element by element)
        const n = name === 'fused' ? runs : refRuns;
        const fwd = time(() => tf.tidy(() => { op(args).dataSync(); }), n, n > 1);
        // forward + backward = the VJP with cotangent `cot` (tf.grads with dy): a tf.sum loss would
        // add tfjs-cpu's own Sum gradient (a broadcast over 8M elements, seconds on cpu).
        const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => op({ ...args, x: xx as tf.Tensor3D, weight: ww as tf.Tensor2D, bias: bb as tf.Tensor1D });
        const both = time(() => tf.tidy(() => tf.grads(f)([x, weight, bias], cot).forEach((g) => g.dataSync())), n, n > 1);
        console.log(`${backend} ${name}${seg ? ' +segments' : ''} (${batch},${dim},${len},W=${width}) runs ${n}: fwd best ${fwd.best.toFixed(1)} ms median ${fwd.median.toFixed(1)} ms; fwd+bwd best ${both.best.toFixed(1)} ms median ${both.median.toFixed(1)} ms`);
      }
    }
    if (backend === 'cpu') {
      const xv = x.dataSync() as Float32Array;
      const wv = weight.dataSync() as Float32Array;
      const bv = bias.dataSync() as Float32Array;
      const js = time(() => jsForward(xv, wv, bv, batch * dim, dim, len, width), runs);
      console.log(`plain-JS loop forward (no tfjs) best ${js.best.toFixed(1)} ms median ${js.median.toFixed(1)} ms`);
    }
    tf.dispose([x, weight, bias, cot, segmentIds]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
