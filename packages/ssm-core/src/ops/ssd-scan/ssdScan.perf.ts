import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { useBackend } from '../../testing/backends';
import { rand } from '../../testing/compare';
import { ssdScan, SsdScanArgs } from './ssdScan';
import { ssdScanChunked } from './chunked';

const SHAPES = [
  { Bt: 2, L: 1024, H: 4, P: 16, N: 16, chunked: true },
  { Bt: 2, L: 1024, H: 4, P: 16, N: 64, chunked: false },
  { Bt: 1, L: 16384, H: 16, P: 16, N: 16, chunked: false },
];
const REPS = Number(process.env.REPS ?? 5);

function time(fn: () => void): { best: number; median: number } {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { best: ts[0], median: ts[Math.floor(ts.length / 2)] };
}

it('ssdScan timings', async () => {
  const lines: string[] = [];
  for (const backend of (process.env.BACKENDS ?? 'cpu,wasm').split(',')) {
    await useBackend(backend);
    for (const s of SHAPES) {
      const xs = [
        rand([s.Bt, s.L, s.H, s.P], 1), rand([s.Bt, s.L, s.H], 2, -3, 0), rand([s.H], 3, -4, -1),
        rand([s.Bt, s.L, 1, s.N], 4), rand([s.Bt, s.L, 1, s.N], 5), rand([s.H], 6), rand([s.H], 7, -1, 0),
      ];
      const args = (f: tf.Tensor[]): SsdScanArgs => ({
        x: f[0] as tf.Tensor4D, dt: f[1] as tf.Tensor3D, A: f[2] as tf.Tensor1D, B: f[3] as tf.Tensor4D,
        C: f[4] as tf.Tensor4D, D: f[5], dtBias: f[6] as tf.Tensor1D, dtSoftplus: true, chunkSize: 64,
      });
      const w = rand([s.Bt, s.L, s.H, s.P], 9);
      const ops: Array<[string, (a: SsdScanArgs) => tf.Tensor]> = [['fused', (a) => ssdScan(a)]];
      if (s.chunked) ops.push(['chunked Q=64', (a) => ssdScanChunked(a) as tf.Tensor]);
      for (const [label, op] of ops) {
        const fwd = time(() => tf.tidy(() => {
          op(args(xs)).dataSync();
        }));
        const bwd = time(() => tf.tidy(() => tf.grads((...f: tf.Tensor[]) => op(args(f)))(xs, w).forEach((g) => g.dataSync())));
        lines.push(`${backend} ${label} Bt=${s.Bt} L=${s.L} H=${s.H} P=${s.P} N=${s.N}: fwd best ${fwd.best.toFixed(1)} ms median ${fwd.median.toFixed(1)} ms; fwd+bwd best ${bwd.best.toFixed(1)} ms median ${bwd.median.toFixed(1)} ms`);
      }
      tf.dispose([...xs, w]);
    }
  }
  console.log(lines.join('\n'));
}, 1800000);
