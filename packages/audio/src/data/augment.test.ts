import { mulberry32 } from '@statespace/ssm-core';
import { addBackgroundNoise, computeStats, mixup, normalize, sampleBeta, specAugment } from './augment';

describe('normalization, SpecAugment, mixup', () => {
  it('dataset mean/std normalization gives mean 0, std 1', () => {
    const ex = [Float32Array.from([1, 2, 3]), Float32Array.from([4, 5, 6, 7])];
    const s = computeStats(ex);
    expect(s.mean).toBeCloseTo(4, 6);
    expect(s.std).toBeCloseTo(2, 6);
    const all = ex.flatMap((e) => Array.from(normalize(e, s)));
    expect(all.reduce((a, b) => a + b, 0) / all.length).toBeCloseTo(0, 6);
    expect(Math.sqrt(all.reduce((a, b) => a + b * b, 0) / all.length)).toBeCloseTo(1, 6);
    expect(() => computeStats([])).toThrow(/no values/);
  });

  it('SpecAugment masks whole frequency columns and time rows with widths ~ U{0..W}', () => {
    const frames = 100;
    const bins = 64;
    const rng = mulberry32(1);
    const freqW: number[] = [];
    const timeW: number[] = [];
    for (let trial = 0; trial < 400; trial++) {
      const y = specAugment(new Float32Array(frames * bins).fill(1), frames, bins, rng, { freqMasks: 1, freqMaskWidth: 10, timeMasks: 1, timeMaskWidth: 20, value: 0 });
      // a frequency column is masked iff it is 0 in every frame
      let fw = 0;
      for (let b = 0; b < bins; b++) {
        let all = true;
        for (let t = 0; t < frames; t++) all &&= y[t * bins + b] === 0;
        if (all) fw++;
      }
      let tw = 0;
      for (let t = 0; t < frames; t++) if (y.subarray(t * bins, (t + 1) * bins).every((v) => v === 0)) tw++;
      // every zero lies in a masked column or row (masks are contiguous bands)
      let zeros = 0;
      y.forEach((v) => { if (v === 0) zeros++; });
      expect(zeros).toBe(fw * frames + tw * bins - fw * tw);
      freqW.push(fw);
      timeW.push(tw);
    }
    const mean = (a: number[]): number => a.reduce((p, q) => p + q, 0) / a.length;
    expect(Math.max(...freqW)).toBeLessThanOrEqual(10);
    expect(Math.max(...timeW)).toBeLessThanOrEqual(20);
    expect(Math.abs(mean(freqW) - 5)).toBeLessThan(0.6); // E[U{0..10}] = 5
    expect(Math.abs(mean(timeW) - 10)).toBeLessThan(1.2);
    expect(() => specAugment(new Float32Array(5), 2, 2, rng)).toThrow(/frames·bins = 4.*5/);
  });

  it('Beta(α, α) has mean 1/2 and variance 1/(4(2α+1))', () => {
    const rng = mulberry32(2);
    for (const a of [0.2, 1, 4]) {
      const xs = Array.from({ length: 6000 }, () => sampleBeta(a, rng));
      const m = xs.reduce((p, q) => p + q, 0) / xs.length;
      const v = xs.reduce((p, q) => p + (q - m) ** 2, 0) / xs.length;
      expect(Math.abs(m - 0.5)).toBeLessThan(0.02);
      expect(Math.abs(v - 1 / (4 * (2 * a + 1)))).toBeLessThan(0.01);
    }
  });

  it('mixup mixes features and labels with the same λ and partner', () => {
    const x = Float32Array.from([1, 1, 2, 2, 3, 3]);
    const y = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const r = mixup(x, y, 3, 0.4, mulberry32(3));
    for (let i = 0; i < 3; i++) {
      const l = r.lambdas[i];
      const j = r.perm[i];
      expect(r.x[i * 2]).toBeCloseTo(l * x[i * 2] + (1 - l) * x[j * 2], 5);
      const row = Array.from(r.y.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(row[i]).toBeGreaterThanOrEqual(i === j ? 1 - 1e-6 : l - 1e-6);
    }
    expect(() => mixup(x, y, 3, 0, mulberry32(1))).toThrow(/alpha.*> 0/);
  });

  it('background noise: added with probability p and gain <= maxGain, as a segment of a noise clip', () => {
    const rng = mulberry32(4);
    const x = new Float32Array(100);
    const noise = Float32Array.from({ length: 37 }, (_, i) => Math.sin(i)); // shorter than the clip: tiled
    let noisy = 0;
    for (let t = 0; t < 500; t++) {
      const y = addBackgroundNoise(x, [noise], rng, { probability: 0.3, maxGain: 0.2 });
      if (y.some((v) => v !== 0)) {
        noisy++;
        // y = g · noise[(s + i) mod 37] for one gain g and offset s: least-squares g per offset, residual ~0 for one
        const fits = Array.from({ length: 37 }, (_, k) => {
          let num = 0;
          let den = 0;
          for (let i = 0; i < 100; i++) {
            num += y[i] * noise[(k + i) % 37];
            den += noise[(k + i) % 37] ** 2;
          }
          const g = num / den;
          let res = 0;
          for (let i = 0; i < 100; i++) res = Math.max(res, Math.abs(y[i] - g * noise[(k + i) % 37]));
          return { g, res };
        });
        const best = fits.reduce((a, b) => (b.res < a.res ? b : a));
        expect(best.res).toBeLessThan(1e-6);
        expect(best.g).toBeGreaterThan(0);
        expect(best.g).toBeLessThanOrEqual(0.2 + 1e-6);
      }
    }
    expect(Math.abs(noisy / 500 - 0.3)).toBeLessThan(0.07);
    expect(Array.from(addBackgroundNoise(x, [], rng))).toEqual(Array.from(x));
  });
});
