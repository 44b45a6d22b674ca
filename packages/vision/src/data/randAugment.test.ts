import { mulberry32 } from '@statespace/ssm-core';
import { augmentFor, augmentImage, PAD_CROP_AUGMENT, shiftImage } from './augment';
import { applyRandAugmentOp, parseRandAugment, randAugment, RAND_AUGMENT_OPS } from './randAugment';

const H = 9;
const W = 8;
// uint8-valued grey image (so posterize at 8 bits is exact)
const img = Float32Array.from({ length: H * W }, (_, i) => ((i * 37) % 256) / 255);
const rampX = Float32Array.from({ length: H * W }, (_, i) => (i % W) / (W - 1));
const cx = (W - 1) / 2;
const cy = (H - 1) / 2;

describe('RandAugment ops', () => {
  it('magnitude 0 leaves the image unchanged (all but the magnitude-free autoContrast and equalize)', () => {
    for (const op of RAND_AUGMENT_OPS) {
      if (op === 'autoContrast' || op === 'equalize') continue;
      for (const sign of [1, -1] as const) {
        const out = applyRandAugmentOp(op, img, H, W, 1, 0, sign);
        expect(Array.from(out).map((v, i) => Math.abs(v - img[i])).reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(1e-6);
      }
    }
  });

  it('translate moves by whole pixels: round(0.45 · M/10 · side), zeros coming in', () => {
    expect(applyRandAugmentOp('translateX', img, H, W, 1, 10, -1)).toEqual(shiftImage(img, H, W, 1, 0, -4));
    expect(applyRandAugmentOp('translateY', img, H, W, 1, 5, 1)).toEqual(shiftImage(img, H, W, 1, 2, 0));
  });

  it('rotate and shear resample a linear ramp exactly where the source is inside the image', () => {
    const th = (20 * Math.PI) / 180; // M 10·2/3 of 30°
    const rot = applyRandAugmentOp('rotate', rampX, H, W, 1, 20 / 3, 1);
    const shear = applyRandAugmentOp('shearX', rampX, H, W, 1, 5, -1); // factor −0.15
    let checked = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const sx = Math.cos(th) * (x - cx) - Math.sin(th) * (y - cy) + cx;
        const sy = Math.sin(th) * (x - cx) + Math.cos(th) * (y - cy) + cy;
        if (sx >= 0 && sx <= W - 1 && sy >= 0 && sy <= H - 1) {
          expect(rot[y * W + x]).toBeCloseTo(sx / (W - 1), 5);
          checked++;
        }
        const shx = x - 0.15 * (y - cy);
        if (shx >= 0 && shx <= W - 1) expect(shear[y * W + x]).toBeCloseTo(shx / (W - 1), 5);
      }
    }
    expect(checked).toBeGreaterThan(20);
    // sign flips the direction: +θ then −θ returns the centre pixel's neighbourhood
    const back = applyRandAugmentOp('rotate', rot, H, W, 1, 20 / 3, -1);
    expect(back[4 * W + 4]).toBeCloseTo(rampX[4 * W + 4], 2);
  });

  it('solarize inverts the pixels above 1 − M/10; posterize keeps 8 − round(4·M/10) bits', () => {
    const sol = applyRandAugmentOp('solarize', img, H, W, 1, 5);
    img.forEach((v, i) => expect(sol[i]).toBeCloseTo(v > 0.5 ? 1 - v : v, 6));
    const post = applyRandAugmentOp('posterize', img, H, W, 1, 10); // 4 bits
    const levels = new Set(Array.from(post, (v) => Math.round(v * 255)));
    expect(levels.size).toBeLessThanOrEqual(16);
    for (const l of levels) expect(l % 16).toBe(0);
    img.forEach((v, i) => expect(Math.round(v * 255) - Math.round(post[i] * 255)).toBeLessThan(16));
  });

  it('autoContrast stretches each channel to [0, 1]; equalize spreads a narrow histogram monotonically', () => {
    const narrow = Float32Array.from(img, (v) => 0.4 + 0.2 * v);
    const ac = applyRandAugmentOp('autoContrast', narrow, H, W, 1, 0);
    expect(Math.min(...ac)).toBeCloseTo(0, 6);
    expect(Math.max(...ac)).toBeCloseTo(1, 6);
    // equalize needs more pixels than levels (PIL's step = (pixels − last bin) / 255; 0 leaves the image alone)
    const big = Float32Array.from({ length: 32 * 32 }, (_, i) => 0.4 + (0.2 * ((i * 37) % 256)) / 255);
    const eq = applyRandAugmentOp('equalize', big, 32, 32, 1, 0);
    expect(Math.max(...eq) - Math.min(...eq)).toBeGreaterThan(0.8);
    const order = Array.from(big.keys()).sort((a, b) => big[a] - big[b]);
    for (let k = 1; k < order.length; k++) expect(eq[order[k]]).toBeGreaterThanOrEqual(eq[order[k - 1]]);
    expect(applyRandAugmentOp('equalize', narrow, H, W, 1, 0)).toEqual(narrow);
    const flat = new Float32Array(H * W).fill(0.3);
    expect(applyRandAugmentOp('equalize', flat, H, W, 1, 0)).toEqual(flat);
    expect(applyRandAugmentOp('autoContrast', flat, H, W, 1, 0)).toEqual(flat);
  });

  it('enhance ops blend with their degenerate image by 1 ± 0.9·M/10, clamped to [0, 1]', () => {
    const dim = applyRandAugmentOp('brightness', img, H, W, 1, 10, -1);
    img.forEach((v, i) => expect(dim[i]).toBeCloseTo(0.1 * v, 6));
    const bright = applyRandAugmentOp('brightness', img, H, W, 1, 10, 1);
    img.forEach((v, i) => expect(bright[i]).toBeCloseTo(Math.min(1, 1.9 * v), 6));
    const mean = img.reduce((a, b) => a + b, 0) / img.length;
    const flat = applyRandAugmentOp('contrast', img, H, W, 1, 10, -1);
    img.forEach((v, i) => expect(flat[i]).toBeCloseTo(mean + 0.1 * (v - mean), 5));
    // colour: grey images have no saturation; RGB moves toward its luma
    expect(applyRandAugmentOp('color', img, H, W, 1, 10, -1)).toBe(img);
    const rgb = Float32Array.from([1, 0, 0, 0, 1, 0]);
    const desat = applyRandAugmentOp('color', rgb, 1, 2, 3, 10, -1);
    expect(desat[0]).toBeCloseTo(0.299 + 0.1 * (1 - 0.299), 5);
    expect(desat[1]).toBeCloseTo(0.9 * 0.299, 5);
    // sharpness: a constant image has nothing to sharpen; the border is kept
    const c = new Float32Array(H * W).fill(0.5);
    expect(Array.from(applyRandAugmentOp('sharpness', c, H, W, 1, 10, 1))).toEqual(Array.from(c));
    const sharp = applyRandAugmentOp('sharpness', img, H, W, 1, 10, -1);
    expect(sharp[0]).toBeCloseTo(img[0], 6);
    expect(Math.abs(sharp[4 * W + 4] - img[4 * W + 4])).toBeGreaterThan(1e-3);
  });
});

describe('randAugment', () => {
  it('applies n ops drawn by the rng, deterministic for a seed, values staying in [0, 1]', () => {
    expect(randAugment(img, H, W, 1, mulberry32(1), { n: 0, magnitude: 9 })).toBe(img);
    const a = randAugment(img, H, W, 1, mulberry32(7), { n: 2, magnitude: 9 });
    expect(randAugment(img, H, W, 1, mulberry32(7), { n: 2, magnitude: 9 })).toEqual(a);
    const rng = mulberry32(3);
    const seen = new Set<string>();
    for (let t = 0; t < 60; t++) {
      const out = randAugment(img, H, W, 1, rng, { n: 2, magnitude: 9 });
      expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...out)).toBeLessThanOrEqual(1);
      seen.add(Array.from(out.subarray(0, 12), (v) => v.toFixed(3)).join());
    }
    expect(seen.size).toBeGreaterThan(20);
    // one op, both signs: exactly the two shifts occur
    const shifts = new Set<string>();
    for (let t = 0; t < 40; t++) {
      const out = randAugment(img, H, W, 1, rng, { n: 1, magnitude: 10, ops: ['translateX'] });
      shifts.add(JSON.stringify(out) === JSON.stringify(shiftImage(img, H, W, 1, 0, 4)) ? '+4' : JSON.stringify(out) === JSON.stringify(shiftImage(img, H, W, 1, 0, -4)) ? '-4' : 'other');
    }
    expect([...shifts].sort()).toEqual(['+4', '-4']);
  });

  it('rejects bad options and flags, naming them', () => {
    const rng = mulberry32(1);
    expect(() => randAugment(img, H, W, 1, rng, { n: -1, magnitude: 9 })).toThrow(/'n' \(ops per image\) must be an integer >= 0, received -1/);
    expect(() => randAugment(img, H, W, 1, rng, { n: 2, magnitude: 11 })).toThrow(/'magnitude' must be a number in \[0, 10\], received 11/);
    expect(() => randAugment(img, H, W, 1, rng, { n: 2, magnitude: 9, ops: [] })).toThrow(/'ops' must list at least one op/);
    expect(() => randAugment(img, H, W, 1, rng, { n: 2, magnitude: 9, ops: ['blur' as never] })).toThrow(/unknown op 'blur'/);
    expect(() => applyRandAugmentOp('rotate', img, H, W, 3, 5)).toThrow(/the image has 72 values, expected h·w·c = 9·8·3 = 216/);
    expect(() => applyRandAugmentOp('rotate', img, H, W, 1, 50)).toThrow(/'magnitude' must be a number in \[0, 10\], received 50/);
    expect(parseRandAugment('2,9')).toEqual({ n: 2, magnitude: 9 });
    for (const bad of ['2', '2,', 'a,9', '2,11', '1.5,9', '2,9,1']) expect(() => parseRandAugment(bad)).toThrow(new RegExp(`--rand-augment must be 'N,M'.*received '${bad.replace('.', '\\.')}'`));
  });

  it('--rand-augment adds RandAugment to the chosen augmentation, after crop and flip', () => {
    expect(augmentFor('auto', 28, '2,9')).toEqual({ ...PAD_CROP_AUGMENT, randAugment: { n: 2, magnitude: 9 } });
    expect(augmentFor('none', 28, '1,5')).toEqual({ crop: null, flip: 0, randAugment: { n: 1, magnitude: 5 } });
    expect(augmentFor('auto', 28, '0,5')).toBe(PAD_CROP_AUGMENT);
    expect(() => augmentFor('auto', 28, 'x')).toThrow(/--rand-augment must be 'N,M'/);
    // RandAugment runs after the flip: with only the identity op the result is the flip alone
    const out = augmentImage(img, H, W, 1, mulberry32(2), { crop: null, flip: 1, randAugment: { n: 1, magnitude: 10, ops: ['identity'] } });
    expect(out).toEqual(augmentImage(img, H, W, 1, mulberry32(2), { crop: null, flip: 1 }));
  });
});
