import type { Rng } from '@statespace/ssm-core';
import { parseRandAugment, randAugment, type RandAugmentOptions } from './randAugment';

/**
 * Per-image transforms on float (h, w, c) row-major arrays. Written by hand because they run on
 * decoded batches already in memory (sharp works on encoded files) and are a few lines each.
 */

/** Center pad (zeros) or center crop (h, w, c) to (H, W, c). */
export function fitCenter(src: Float32Array, h: number, w: number, c: number, H: number, W: number): Float32Array {
  if (h === H && w === W) return src;
  const out = new Float32Array(H * W * c);
  const dy = Math.floor((H - h) / 2);
  const dx = Math.floor((W - w) / 2);
  for (let y = 0; y < H; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < W; x++) {
      const sx = x - dx;
      if (sx < 0 || sx >= w) continue;
      for (let k = 0; k < c; k++) out[(y * W + x) * c + k] = src[(sy * w + sx) * c + k];
    }
  }
  return out;
}

/** Bilinear sample of the crop (y0, x0, ch, cw) of src (h, w, c) resized to (H, W). */
function resizeCrop(src: Float32Array, h: number, w: number, c: number, y0: number, x0: number, ch: number, cw: number, H: number, W: number, flip: boolean): Float32Array {
  const out = new Float32Array(H * W * c);
  for (let y = 0; y < H; y++) {
    const fy = Math.min(h - 1, Math.max(0, y0 + ((y + 0.5) * ch) / H - 0.5));
    const iy = Math.floor(fy);
    const ty = fy - iy;
    const iy1 = Math.min(h - 1, iy + 1);
    for (let x = 0; x < W; x++) {
      const xx = flip ? W - 1 - x : x;
      const fx = Math.min(w - 1, Math.max(0, x0 + ((xx + 0.5) * cw) / W - 0.5));
      const ix = Math.floor(fx);
      const tx = fx - ix;
      const ix1 = Math.min(w - 1, ix + 1);
      for (let k = 0; k < c; k++) {
        const a = src[(iy * w + ix) * c + k] * (1 - tx) + src[(iy * w + ix1) * c + k] * tx;
        const b = src[(iy1 * w + ix) * c + k] * (1 - tx) + src[(iy1 * w + ix1) * c + k] * tx;
        out[(y * W + x) * c + k] = a * (1 - ty) + b * ty;
      }
    }
  }
  return out;
}

export interface AugmentOptions {
  /** Random resized crop: area fraction range (default [0.6, 1]) and aspect range (default [3/4, 4/3]); null = off. */
  crop?: { scale: [number, number]; ratio: [number, number] } | null;
  /** Horizontal flip probability (default 0.5). */
  flip?: number;
  /**
   * Random crop with zero padding ("pad-crop", the usual CIFAR/Fashion-MNIST augmentation): shift by
   * up to ±pad pixels in each axis, zeros coming in (default 0 = off). Applied after crop and flip.
   */
  pad?: number;
  /** RandAugment (randAugment.ts) after crop and flip, before the pad-crop shift; null/undefined = off. */
  randAugment?: RandAugmentOptions | null;
}

/** (h, w, c) shifted by (dy, dx) pixels: out[y, x] = src[y + dy, x + dx], zero outside. */
export function shiftImage(src: Float32Array, h: number, w: number, c: number, dy: number, dx: number): Float32Array {
  if (dy === 0 && dx === 0) return src;
  const out = new Float32Array(h * w * c);
  for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
    const x0 = Math.max(0, -dx);
    const x1 = Math.min(w, w - dx);
    if (x1 > x0) out.set(src.subarray(((y + dy) * w + x0 + dx) * c, ((y + dy) * w + x1 + dx) * c), (y * w + x0) * c);
  }
  return out;
}

/** Random resized crop + horizontal flip (+ optional pad-crop shift) of one image (h, w, c), output the same size. */
export function augmentImage(src: Float32Array, h: number, w: number, c: number, rng: Rng, o: AugmentOptions = {}): Float32Array {
  const crop = o.crop === undefined ? { scale: [0.6, 1] as [number, number], ratio: [3 / 4, 4 / 3] as [number, number] } : o.crop;
  const flip = rng() < (o.flip ?? 0.5);
  let [y0, x0, ch, cw] = [0, 0, h, w];
  if (crop) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = h * w * (crop.scale[0] + rng() * (crop.scale[1] - crop.scale[0]));
      const logR = Math.log(crop.ratio[0]) + rng() * (Math.log(crop.ratio[1]) - Math.log(crop.ratio[0]));
      const r = Math.exp(logR);
      const cwT = Math.sqrt(area * r);
      const chT = Math.sqrt(area / r);
      if (cwT <= w && chT <= h) {
        [ch, cw] = [chT, cwT];
        y0 = rng() * (h - ch);
        x0 = rng() * (w - cw);
        break;
      }
    }
  }
  const pad = o.pad ?? 0;
  if (!Number.isInteger(pad) || pad < 0) throw new Error(`augmentImage: option 'pad' must be an integer >= 0, received ${String(o.pad)}`);
  let out = !crop && !flip ? src : resizeCrop(src, h, w, c, y0, x0, ch, cw, h, w, flip);
  if (o.randAugment) out = randAugment(out, h, w, c, rng, o.randAugment);
  if (pad === 0) return out;
  const shift = () => Math.floor(rng() * (2 * pad + 1)) - pad;
  return shiftImage(out, h, w, c, shift(), shift());
}

/** The Fashion-MNIST recipe's augmentation: pad-crop by 2 pixels and horizontal flips, no rescaling. */
export const PAD_CROP_AUGMENT: AugmentOptions = { crop: null, flip: 0.5, pad: 2 };

/** In place: (x − mean) / std per channel. */
export function normalizeInPlace(x: Float32Array, c: number, mean: number[], std: number[]): void {
  if (mean.length !== c || std.length !== c) throw new Error(`normalize: expected ${c} means and stds (one per channel), received ${mean.length} and ${std.length}`);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean[i % c]) / std[i % c];
}

export const AUGMENT_CHOICES = ['auto', 'pad-crop', 'resized-crop', 'none'] as const;

/**
 * The --augment flag: 'auto' = pad-crop for small inputs (≤ 32 px, e.g. Fashion-MNIST), else resized crop;
 * --rand-augment 'N,M' adds RandAugment to the chosen one (also to 'none').
 */
export function augmentFor(choice: string, inputSize: number, randAugmentFlag?: string): AugmentOptions | null {
  const ra = randAugmentFlag != null ? parseRandAugment(randAugmentFlag) : null;
  let base: AugmentOptions | null;
  if (choice === 'none') base = null;
  else if (choice === 'pad-crop' || (choice === 'auto' && inputSize <= 32)) base = PAD_CROP_AUGMENT;
  else if (choice === 'resized-crop' || choice === 'auto') base = {};
  else throw new Error(`--augment must be one of ${AUGMENT_CHOICES.join(', ')}, received '${choice}'`);
  if (ra == null || ra.n === 0) return base;
  return { ...(base ?? { crop: null, flip: 0 }), randAugment: ra };
}
