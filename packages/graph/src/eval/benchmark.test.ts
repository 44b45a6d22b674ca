import { runBenchmark } from './benchmark';

describe('runBenchmark options', () => {
  it.each([-1, 1.5, Number.NaN])('refuses --cv-seed %p before loading anything', async (cvSeed) => {
    const emitted: object[] = [];
    await expect(runBenchmark({ cvSeed, only: ['proteins'], emit: (r) => emitted.push(r) })).rejects.toThrow(/--cv-seed must be an integer >= 0, received/);
    expect(emitted).toEqual([]);
  });
});
