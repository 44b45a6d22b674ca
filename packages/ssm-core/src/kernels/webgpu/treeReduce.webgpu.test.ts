import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { webgpuSuite } from '../../testing/webgpu';
import { channelDot, sumAxes02 } from './commonPrograms';
import { reduceSlices, treeReduce } from './treeReduce';

// The workgroup tree reductions against float64 sums on the host (an independent oracle), at
// shapes that take one pass (S = 1, most threads idle) and two (S > 1, uneven last slice).
const webgpu = webgpuSuite('treeReduce.webgpu.test.ts');

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.9);
}

async function run(f: (be: tf.KernelBackend, ...xs: tf.Tensor[]) => tf.TensorInfo, ...xs: tf.Tensor[]): Promise<Float32Array> {
  const info = f(tf.backend(), ...xs);
  const t = tf.engine().makeTensorFromTensorInfo(info);
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

/** Each entry within 1e-5 of the sum of the terms' magnitudes (float32 accumulation). */
function expectSums(got: Float32Array, want: Float64Array, scale: Float64Array): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    if (Math.abs(got[i] - w) > 1e-5 * (1 + scale[i])) throw new Error(`entry ${i}: got ${got[i]}, expected ${w}`);
  });
}

describe('slices per row', () => {
  it('splits long sums over few rows and never below 8 terms per thread', () => {
    expect(reduceSlices(768, 131072, 256)).toBe(6); // fftConv dD at {8, 768, 16384}: 4608 workgroups
    expect(reduceSlices(5, 3000, 64)).toBe(5);
    expect(reduceSlices(3, 14, 64)).toBe(1);
    expect(reduceSlices(4, 1e9, 256)).toBe(64); // capped: pass 2 loops over the partials
  });
});

describe('tree reductions on webgpu', () => {
  it.each([
    [3, 5, 1000],
    [2, 3, 7],
    [1, 2, 40000],
  ])('channelDot (Bt %i, C %i, L %i) equals the float64 dot products', async (Bt, C, L) => {
    if (webgpu.skip()) return;
    await tf.setBackend('webgpu');
    const xv = values(Bt * C * L, 1);
    const yv = values(Bt * C * L, 2);
    const want = new Float64Array(C);
    const scale = new Float64Array(C);
    for (let b = 0; b < Bt; b++) for (let c = 0; c < C; c++) for (let l = 0; l < L; l++) {
      const o = (b * C + c) * L + l;
      want[c] += xv[o] * yv[o];
      scale[c] += Math.abs(xv[o] * yv[o]);
    }
    const x = tf.tensor3d(xv, [Bt, C, L]);
    const y = tf.tensor3d(yv, [Bt, C, L]);
    const before = tf.memory().numTensors;
    expectSums(await run((be) => channelDot(be, x, y, [Bt, C, L])), want, scale);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it.each([
    ['tree (a3 = 1)', [2, 4, 300, 1], 5],
    ['one thread per output (a3 > 1)', [3, 2, 4, 50], 3],
  ] as const)('sumAxes02 %s equals the float64 sums', async (_name, dims, offset) => {
    if (webgpu.skip()) return;
    await tf.setBackend('webgpu');
    const [a0, a1, a2, a3] = dims;
    const xv = values(offset + a0 * a1 * a2 * a3 + 3, 3);
    const want = new Float64Array(a1 * a3);
    const scale = new Float64Array(a1 * a3);
    for (let i0 = 0; i0 < a0; i0++) for (let i1 = 0; i1 < a1; i1++) for (let i2 = 0; i2 < a2; i2++) for (let i3 = 0; i3 < a3; i3++) {
      const v = xv[offset + ((i0 * a1 + i1) * a2 + i2) * a3 + i3];
      want[i1 * a3 + i3] += v;
      scale[i1 * a3 + i3] += Math.abs(v);
    }
    const x = tf.tensor1d(xv);
    expectSums(await run((be) => sumAxes02(be, x, offset, [a0, a1, a2, a3], [a1, a3])), want, scale);
    x.dispose();
  });

  it('gives the same sums with 256-thread workgroups (the GPU setting)', async () => {
    if (webgpu.skip()) return;
    await tf.setBackend('webgpu');
    const rows = 3;
    const n = 5000; // 256 threads: 2 slices, the last one short
    const xv = values(rows * n, 4);
    const want = new Float64Array(rows);
    const scale = new Float64Array(rows);
    for (let r = 0; r < rows; r++) for (let t = 0; t < n; t++) { want[r] += xv[r * n + t] ** 2; scale[r] += xv[r * n + t] ** 2; }
    const x = tf.tensor1d(xv);
    const got = await run((be) => treeReduce(be, {
      name: 'testSquares', key: '', rows, n, outShape: [rows], inputs: [x], variableNames: ['x'], uniforms: {},
      term: 'fn term(r : i32, t : i32) -> f32 { let v = x[r * uniforms.n + t]; return v * v; }',
    }, 256));
    expectSums(got, want, scale);
    x.dispose();
  });
});
