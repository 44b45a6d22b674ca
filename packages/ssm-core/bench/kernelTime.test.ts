import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { smokeCases } from './cases/smoke';
import { kernelBreakdown, kernelTimes } from './kernelTime';
import { useBackend } from '../src/testing/backends';
import { OpFn } from './types';

describe('--kernel-time', () => {
  it('sums tfjs timer entries per program name and keeps the largest', () => {
    const info = 'fft_wg_conv: 1.5, tree_channelDot: 0.25, fft_wg_conv: 2, Object: 0.001, treeFinal: 0.0005';
    expect(kernelBreakdown(info)).toEqual({ fft_wg_conv: 3.5, tree_channelDot: 0.25, Object: 0.001, treeFinal: 0.001 });
    expect(Object.keys(kernelBreakdown(info, 2))).toEqual(['fft_wg_conv', 'tree_channelDot']);
    expect(kernelBreakdown('')).toEqual({});
  });

  it('times a forward and a forward+backward call with tf.time, leaking nothing', async () => {
    await useBackend('cpu');
    const c = smokeCases[0];
    const fn = c.load('fused') as OpFn;
    const inp = c.prepare({ M: 16, K: 16, N: 16 });
    const w = tf.ones([16, 16]);
    const before = tf.memory().numTensors;
    const r = await kernelTimes(fn, inp, w, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.kernel_fwd_ms).toBeGreaterThanOrEqual(0);
    expect(r.kernel_fwd_bwd_ms).toBeGreaterThanOrEqual(0);
    tf.dispose([w, ...Object.values(inp.tensors)]);
  });
});
