import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { webgpuSuite } from '../../../testing/webgpu';
import { runFftProgram } from './fftProgram';

// More workgroups than one dispatch dimension takes (65535): runFftProgram spreads them over x
// and y; both the global index and groupIndex() must still count every workgroup exactly once.
const webgpu = webgpuSuite('fftProgram.webgpu.test.ts');

it('covers 70001 workgroups with a 2-D dispatch', async () => {
  if (webgpu.skip()) return;
  await tf.setBackend('webgpu');
  const groups = 70001;
  const info = runFftProgram(tf.backend() as KernelBackend, {
    name: 'test2d', key: '', outputShape: [groups, 2], inputs: [], variableNames: [], groups, workgroupSize: 2, uniforms: { count: groups },
    body: `
fn main(index : i32) {
  let g = groupIndex();
  if (g >= uniforms.count) { return; }
  result[2 * g + i32(localIndex)] = f32(index - 2 * g + 1) + f32(g) * 4.0;
}`,
  });
  const t = tf.engine().makeTensorFromTensorInfo(info);
  const v = await t.data();
  t.dispose();
  const expected = Float32Array.from({ length: 2 * groups }, (_, i) => 4 * Math.floor(i / 2) + (i % 2) + 1);
  let bad = -1;
  for (let i = 0; i < v.length && bad < 0; i++) if (v[i] !== expected[i]) bad = i;
  expect(bad === -1 ? 'all equal' : `index ${bad}: ${v[bad]} != ${expected[bad]}`).toBe('all equal');
});
