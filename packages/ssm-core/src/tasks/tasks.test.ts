import { inductionHeads, inductionHeadsTokens } from './inductionHeads';
import { selectiveCopying, selectiveCopyingTokens } from './selectiveCopying';

const row = (a: Int32Array, b: number, L: number): number[] => Array.from(a.subarray(b * L, (b + 1) * L));

describe('selectiveCopying', () => {
  const opts = { batch: 5, seqLen: 300, vocab: 10, nData: 12, seed: 7 };

  it('has the shapes and token ranges of the definition', () => {
    const d = selectiveCopying(opts);
    expect(d.inputs).toBeInstanceOf(Int32Array);
    expect(d.targets).toBeInstanceOf(Int32Array);
    expect(d.inputs.length).toBe(5 * 300);
    expect(d.targets.length).toBe(5 * 300);
    expect([d.batch, d.seqLen, d.vocabSize]).toEqual([5, 300, 12]);
    expect(Math.min(...d.inputs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...d.inputs)).toBeLessThan(d.vocabSize);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = selectiveCopying(opts);
    const b = selectiveCopying(opts);
    const c = selectiveCopying({ ...opts, seed: 8 });
    expect(Array.from(a.inputs)).toEqual(Array.from(b.inputs));
    expect(Array.from(a.targets)).toEqual(Array.from(b.targets));
    expect(Array.from(a.inputs)).not.toEqual(Array.from(c.inputs));
  });

  it('targets are the data tokens in order at the markers, -1 elsewhere (independent scan)', () => {
    const d = selectiveCopying({ ...opts, batch: 40 });
    const { noise, marker } = selectiveCopyingTokens(10);
    const firstSeen = new Set<number>();
    for (let b = 0; b < 40; b++) {
      const x = row(d.inputs, b, 300);
      const t = row(d.targets, b, 300);
      // Scan the data region: everything that is not noise is data, in order.
      const data = x.slice(0, 300 - 12).filter((v) => v !== noise);
      expect(data.length).toBe(12);
      for (const v of data) expect(v >= 0 && v < 10).toBe(true);
      expect(x.slice(0, 300 - 12)).not.toContain(marker);
      expect(x.slice(300 - 12)).toEqual(new Array(12).fill(marker));
      expect(t.slice(300 - 12)).toEqual(data);
      expect(t.slice(0, 300 - 12)).toEqual(new Array(300 - 12).fill(-1));
      firstSeen.add(x.findIndex((v) => v !== noise));
    }
    // Positions are random, not fixed.
    expect(firstSeen.size).toBeGreaterThan(5);
  });

  it('uses the whole data vocabulary', () => {
    const d = selectiveCopying({ ...opts, batch: 50 });
    const seen = new Set(Array.from(d.targets).filter((v) => v >= 0));
    expect(seen.size).toBe(10);
  });

  it('rejects bad arguments with clear errors', () => {
    expect(() => selectiveCopying({ ...opts, seqLen: 100 })).toThrow(/selectiveCopying: option 'seqLen' must be an integer >= 256, received 100/);
    expect(() => selectiveCopying({ ...opts, seqLen: 20, allowShort: true })).toThrow(/'seqLen' must be >= 2·nData = 24.*received 20/);
    expect(() => selectiveCopying({ ...opts, batch: 0 })).toThrow(/option 'batch' must be an integer >= 1, received 0/);
    expect(() => selectiveCopying({ ...opts, vocab: 2.5 })).toThrow(/option 'vocab' .* received 2.5/);
    expect(() => selectiveCopying({ ...opts, seed: NaN })).toThrow(/option 'seed' must be an integer, received NaN/);
    expect(() => selectiveCopying(undefined as never)).toThrow(/expected an options object/);
  });
});

describe('inductionHeads', () => {
  const opts = { batch: 6, seqLen: 64, vocab: 8, seed: 3 };

  it('has the shapes of the definition', () => {
    const d = inductionHeads(opts);
    expect(d.inputs.length).toBe(6 * 64);
    expect(d.targets.length).toBe(6 * 64);
    expect(d.vocabSize).toBe(9);
    expect(Math.max(...d.inputs)).toBe(8);
    expect(Math.min(...d.inputs)).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic per seed', () => {
    const a = inductionHeads(opts);
    const b = inductionHeads(opts);
    expect(Array.from(a.inputs)).toEqual(Array.from(b.inputs));
    expect(Array.from(a.targets)).toEqual(Array.from(b.targets));
    expect(Array.from(inductionHeads({ ...opts, seed: 4 }).inputs)).not.toEqual(Array.from(a.inputs));
  });

  it('the target is the token after the first trigger, at the last position only (independent scan)', () => {
    for (const L of [3, 4, 17, 64]) {
      const d = inductionHeads({ ...opts, batch: 30, seqLen: L });
      const { trigger } = inductionHeadsTokens(8);
      for (let b = 0; b < 30; b++) {
        const x = row(d.inputs, b, L);
        const t = row(d.targets, b, L);
        const where = x.flatMap((v, i) => (v === trigger ? [i] : []));
        expect(where.length).toBe(2);
        expect(where[1]).toBe(L - 1);
        expect(where[0]).toBeLessThanOrEqual(L - 3);
        expect(t[L - 1]).toBe(x[where[0] + 1]);
        expect(t[L - 1]).toBeLessThan(8);
        expect(t.slice(0, L - 1)).toEqual(new Array(L - 1).fill(-1));
      }
    }
  });

  it('rejects bad arguments with clear errors', () => {
    expect(() => inductionHeads({ ...opts, seqLen: 2 })).toThrow(/inductionHeads: option 'seqLen' must be an integer >= 3, received 2/);
    expect(() => inductionHeads({ ...opts, vocab: 0 })).toThrow(/option 'vocab' must be an integer >= 1, received 0/);
    expect(() => inductionHeads({ ...opts, batch: -1 })).toThrow(/option 'batch' must be an integer >= 1, received -1/);
    expect(() => inductionHeads({ ...opts, seed: 1.5 })).toThrow(/option 'seed' must be an integer, received 1.5/);
  });
});
