import { chunkLength, scanBuffers } from './scanPlan';

// Pure arithmetic (no GPU needed): the buffers the WGSL scan binds at the benchmark shapes.
const MIB_128 = 128 * 2 ** 20;
const SHAPES = [
  { Bt: 8, D: 1024, L: 4096, N: 16, G: 1 },
  { Bt: 1, D: 256, L: 16384, N: 16, G: 1 },
];

describe('WebGPU selectiveScan buffer plan', () => {
  it.each(SHAPES.map((s) => [`B${s.Bt} D${s.D} L${s.L} N${s.N}`, s] as const))('no buffer over 128 MiB, forward or backward, at %s', (_n, s) => {
    for (const backward of [false, true]) {
      for (const b of scanBuffers(s, backward)) expect({ name: b.name, bytes: 4 * b.floats, ok: 4 * b.floats <= MIB_128 }).toEqual({ name: b.name, bytes: 4 * b.floats, ok: true });
    }
  });

  it('memory is O(Bt·D·N·L/T + Bt·D·L): no buffer of Bt·D·N·L floats', () => {
    const s = SHAPES[0];
    const T = chunkLength(s.L, s.N);
    const full = s.Bt * s.D * s.N * s.L;
    const total = scanBuffers(s, true).reduce((a, b) => a + b.floats, 0);
    expect(T).toBe(32);
    // Every state-sized buffer is ~1/T of a full (Bt, D, N, L) one; the (Bt, D, L) ones are 1/N of it.
    expect(total).toBeLessThan(full / 4);
  });
});
