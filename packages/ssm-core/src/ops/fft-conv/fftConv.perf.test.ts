// Timing of the fused fftConv (not a correctness test): runs only with FFT_CONV_BENCH=1, e.g.
//   FFT_CONV_BENCH=1 FFT_CONV_BACKEND=wasm npx jest src/ops/fft-conv/fftConv.perf
// Reports wall and process CPU time (the CPU figure is less distorted when other jobs share the cores).
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../testing/backends';
import { fftConv } from './fftConv';

const run = process.env.FFT_CONV_BENCH === '1' ? test : test.skip;

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `best ${s[0].toFixed(0)} median ${s[Math.floor(s.length / 2)].toFixed(0)}`;
}

run('fftConv timing (forward, forward+backward)', async () => {
  const backend = process.env.FFT_CONV_BACKEND ?? 'wasm';
  const reps = Number(process.env.FFT_CONV_REPS ?? 5);
  await useBackend(backend);
  for (const [B, H, L] of [[1, 64, 65536], [4, 64, 4096]]) {
    const u = tf.randomUniform([B, H, L], -1, 1, 'float32', 1) as tf.Tensor3D;
    const k = tf.randomUniform([H, L], -1, 1, 'float32', 2) as tf.Tensor2D;
    const D = tf.randomUniform([H], -1, 1, 'float32', 3) as tf.Tensor1D;
    const dy = tf.randomUniform([B, H, L], -1, 1, 'float32', 4);
    const time = (fn: () => void) => {
      const c = process.cpuUsage();
      const t = performance.now();
      fn();
      const wall = performance.now() - t;
      const cpu = process.cpuUsage(c);
      return [wall, (cpu.user + cpu.system) / 1000];
    };
    const fw: number[][] = [];
    const fb: number[][] = [];
    for (let r = 0; r < reps; r++) {
      fw.push(time(() => fftConv({ u, k, D }).dispose()));
      // Forward + backward with the cotangent dy fed straight in (no extra loss ops timed).
      fb.push(time(() => {
        const g = tf.tidy(() => {
          const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => fftConv({ u: a as tf.Tensor3D, k: b as tf.Tensor2D, D: c as tf.Tensor1D });
          return tf.grads(f)([u, k, D], dy);
        });
        g.forEach((t) => t.dispose());
      }));
    }
    console.log(
      `fftConv ${backend} Bt=${B} H=${H} L=${L} (ms over ${reps} runs): ` +
        `forward wall ${stats(fw.map((x) => x[0]))}, cpu ${stats(fw.map((x) => x[1]))}; ` +
        `forward+backward wall ${stats(fb.map((x) => x[0]))}, cpu ${stats(fb.map((x) => x[1]))}`,
    );
    tf.dispose([u, k, D, dy]);
  }
});
