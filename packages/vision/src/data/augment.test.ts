import { mulberry32 } from '@statespace/ssm-core';
import { augmentImage, fitCenter, normalizeInPlace, shiftImage } from './augment';

describe('augmentation', () => {
  const img = Float32Array.from({ length: 4 * 4 }, (_, i) => i);
  it('fitCenter pads with zeros and crops around the center', () => {
    const padded = fitCenter(img, 4, 4, 1, 6, 6);
    expect(padded[0]).toBe(0);
    expect(padded[1 * 6 + 1]).toBe(img[0]);
    expect(padded[4 * 6 + 4]).toBe(img[15]);
    expect(Array.from(fitCenter(padded, 6, 6, 1, 4, 4))).toEqual(Array.from(img));
  });
  it('flip only mirrors the columns; a full-size crop without flip is the identity', () => {
    const flipped = augmentImage(img, 4, 4, 1, mulberry32(1), { crop: null, flip: 1 });
    expect(Array.from(flipped.subarray(0, 4))).toEqual([3, 2, 1, 0]);
    expect(augmentImage(img, 4, 4, 1, mulberry32(1), { crop: null, flip: 0 })).toBe(img);
  });
  it('random resized crops stay within the image value range', () => {
    const rng = mulberry32(3);
    for (let t = 0; t < 20; t++) {
      const out = augmentImage(img, 4, 4, 1, rng);
      expect(out.length).toBe(16);
      expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...out)).toBeLessThanOrEqual(15);
    }
  });
  it('pad-crop shifts by at most pad pixels with zeros coming in, and checks its option', () => {
    const s = shiftImage(img, 4, 4, 1, 1, -2); // out[y, x] = img[y + 1, x - 2]
    expect(Array.from(s.subarray(0, 4))).toEqual([0, 0, 4, 5]);
    expect(Array.from(s.subarray(12, 16))).toEqual([0, 0, 0, 0]);
    const rng = mulberry32(5);
    const seen = new Set<string>();
    for (let t = 0; t < 200; t++) {
      const out = augmentImage(img, 4, 4, 1, rng, { crop: null, flip: 0, pad: 1 });
      // find the shift: pixel value 5 (row 1, col 1) moves to (1 − dy, 1 − dx)
      const at = out.indexOf(5);
      const dy = 1 - Math.floor(at / 4);
      const dx = 1 - (at % 4);
      expect(Math.abs(dy)).toBeLessThanOrEqual(1);
      expect(Math.abs(dx)).toBeLessThanOrEqual(1);
      expect(out).toEqual(shiftImage(img, 4, 4, 1, dy, dx));
      seen.add(`${dy},${dx}`);
    }
    expect(seen.size).toBe(9);
    expect(() => augmentImage(img, 4, 4, 1, rng, { pad: -1 })).toThrow(/option 'pad' must be an integer >= 0, received -1/);
  });
  it('normalization is per channel and checks its arguments', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    normalizeInPlace(x, 2, [1, 2], [2, 4]);
    expect(Array.from(x)).toEqual([0, 0, 1, 0.5]);
    expect(() => normalizeInPlace(x, 2, [0], [1])).toThrow(/expected 2 means and stds/);
  });
});
