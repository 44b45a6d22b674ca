import type { Rng } from '@statespace/ssm-core';

/**
 * RandAugment (Cubuk et al., 2020): each image gets `n` operations drawn uniformly from RAND_AUGMENT_OPS,
 * all at one global magnitude M in [0, 10] (10 = each op's strongest setting, timm's scale); the signed ops
 * (rotate, shear, translate and the enhance factors) take a random sign. Float (h, w, c) images in [0, 1];
 * geometric ops fill with 0. Written by hand: sharp works on encoded files, one at a time, and no maintained
 * JS library applies these ops to decoded float batches already in memory.
 */
export const RAND_AUGMENT_OPS = [
  'identity', 'autoContrast', 'equalize', 'rotate', 'solarize', 'color', 'posterize',
  'contrast', 'brightness', 'sharpness', 'shearX', 'shearY', 'translateX', 'translateY',
] as const;
export type RandAugmentOp = (typeof RAND_AUGMENT_OPS)[number];

export interface RandAugmentOptions {
  /** Operations per image (the paper's N). */
  n: number;
  /** Global magnitude M in [0, 10]. */
  magnitude: number;
  /** The op list to draw from (default all of RAND_AUGMENT_OPS). */
  ops?: readonly RandAugmentOp[];
}

const MAX_ROTATE_DEG = 30;
const MAX_SHEAR = 0.3;
const MAX_TRANSLATE = 0.45; // fraction of the image side (timm's translate_pct)
const MAX_ENHANCE = 0.9; // enhance factor 1 ± 0.9·M/10

/**
 * Affine resampling, bilinear, zero outside: output pixel (x, y) reads the input at
 * (a·(x − cx) + b·(y − cy) + cx + tx, d·(x − cx) + e·(y − cy) + cy + ty), (cx, cy) the image center.
 */
function affine(src: Float32Array, h: number, w: number, c: number, a: number, b: number, d: number, e: number, tx = 0, ty = 0): Float32Array {
  const out = new Float32Array(src.length);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const fx = a * (x - cx) + b * (y - cy) + cx + tx;
      const fy = d * (x - cx) + e * (y - cy) + cy + ty;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const u = fx - x0;
      const v = fy - y0;
      const o = (y * w + x) * c;
      for (let corner = 0; corner < 4; corner++) {
        const yy = y0 + (corner >> 1);
        const xx = x0 + (corner & 1);
        const wt = (corner & 1 ? u : 1 - u) * (corner >> 1 ? v : 1 - v);
        if (wt === 0 || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
        const s = (yy * w + xx) * c;
        for (let k = 0; k < c; k++) out[o + k] += wt * src[s + k];
      }
    }
  }
  return out;
}

/** degenerate + f·(img − degenerate), clamped to [0, 1] (PIL's ImageEnhance blend). */
function blend(src: Float32Array, degenerate: (i: number) => number, f: number): Float32Array {
  return Float32Array.from(src, (v, i) => {
    const g = degenerate(i);
    return Math.min(1, Math.max(0, g + f * (v - g)));
  });
}

const grey = (src: Float32Array, c: number, pixel: number) =>
  c === 3 ? 0.299 * src[pixel * 3] + 0.587 * src[pixel * 3 + 1] + 0.114 * src[pixel * 3 + 2] : src[pixel * c];

/** Per-channel histogram equalization over 256 levels (PIL's ImageOps.equalize). */
function equalize(src: Float32Array, c: number): Float32Array {
  const out = new Float32Array(src.length);
  const q = Uint8Array.from(src, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  for (let k = 0; k < c; k++) {
    const hist = new Float64Array(256);
    for (let i = k; i < q.length; i += c) hist[q[i]]++;
    const nonzero = Array.from(hist).filter((n) => n > 0);
    const step = nonzero.length > 1 ? Math.floor((nonzero.reduce((s, n) => s + n, 0) - nonzero[nonzero.length - 1]) / 255) : 0;
    const lut = new Float32Array(256);
    for (let i = 0, n = Math.floor(step / 2); i < 256; i++) {
      lut[i] = step > 0 ? Math.min(255, Math.floor(n / step)) / 255 : i / 255;
      n += hist[i];
    }
    for (let i = k; i < q.length; i += c) out[i] = step > 0 ? lut[q[i]] : src[i];
  }
  return out;
}

/** Per-channel stretch of [min, max] to [0, 1] (ImageOps.autocontrast without cutoff). */
function autoContrast(src: Float32Array, c: number): Float32Array {
  const out = Float32Array.from(src);
  for (let k = 0; k < c; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = k; i < src.length; i += c) [lo, hi] = [Math.min(lo, src[i]), Math.max(hi, src[i])];
    if (hi > lo) for (let i = k; i < src.length; i += c) out[i] = (src[i] - lo) / (hi - lo);
  }
  return out;
}

/** 3×3 smoothing [[1,1,1],[1,5,1],[1,1,1]]/13 with the border kept (PIL's SMOOTH filter, ImageEnhance.Sharpness). */
function smooth(src: Float32Array, h: number, w: number, c: number): Float32Array {
  const out = Float32Array.from(src);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      for (let k = 0; k < c; k++) {
        let s = 4 * src[(y * w + x) * c + k];
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += src[((y + dy) * w + x + dx) * c + k];
        out[(y * w + x) * c + k] = s / 13;
      }
    }
  }
  return out;
}

/** One RandAugment operation at magnitude m ∈ [0, 10] with sign ±1 (for the signed ops). */
export function applyRandAugmentOp(op: RandAugmentOp, src: Float32Array, h: number, w: number, c: number, m: number, sign: 1 | -1 = 1): Float32Array {
  if (src.length !== h * w * c) throw new Error(`RandAugment: the image has ${src.length} values, expected h·w·c = ${h}·${w}·${c} = ${h * w * c}`);
  if (!(m >= 0 && m <= 10)) throw new Error(`RandAugment: 'magnitude' must be a number in [0, 10], received ${String(m)}`);
  const t = m / 10;
  const factor = 1 + sign * MAX_ENHANCE * t;
  switch (op) {
    case 'identity':
      return src;
    case 'autoContrast':
      return autoContrast(src, c);
    case 'equalize':
      return equalize(src, c);
    case 'rotate': {
      const th = (sign * MAX_ROTATE_DEG * t * Math.PI) / 180;
      return th === 0 ? src : affine(src, h, w, c, Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th));
    }
    case 'shearX':
      return t === 0 ? src : affine(src, h, w, c, 1, sign * MAX_SHEAR * t, 0, 1);
    case 'shearY':
      return t === 0 ? src : affine(src, h, w, c, 1, 0, sign * MAX_SHEAR * t, 1);
    case 'translateX': // whole pixels, so the shift is exact
      return t === 0 ? src : affine(src, h, w, c, 1, 0, 0, 1, sign * Math.round(MAX_TRANSLATE * t * w), 0);
    case 'translateY':
      return t === 0 ? src : affine(src, h, w, c, 1, 0, 0, 1, 0, sign * Math.round(MAX_TRANSLATE * t * h));
    case 'solarize': {
      const threshold = 1 - t; // pixels above it are inverted; M = 0 inverts none
      return Float32Array.from(src, (v) => (v > threshold ? 1 - v : v));
    }
    case 'posterize': {
      const bits = 8 - Math.round(4 * t);
      if (bits >= 8) return src;
      const mask = (0xff << (8 - bits)) & 0xff;
      return Float32Array.from(src, (v) => (Math.round(Math.min(1, Math.max(0, v)) * 255) & mask) / 255);
    }
    case 'brightness':
      return blend(src, () => 0, factor);
    case 'contrast': {
      let mean = 0;
      const pixels = h * w;
      for (let p = 0; p < pixels; p++) mean += grey(src, c, p);
      mean /= pixels;
      return blend(src, () => mean, factor);
    }
    case 'color':
      return c === 3 ? blend(src, (i) => grey(src, 3, Math.floor(i / 3)), factor) : src; // no saturation in grey images
    case 'sharpness': {
      const soft = smooth(src, h, w, c);
      return blend(src, (i) => soft[i], factor);
    }
    default:
      throw new Error(`RandAugment: unknown op '${String(op)}'; known: ${RAND_AUGMENT_OPS.join(', ')}`);
  }
}

/** Checks RandAugment options; errors name the option, the expectation and the value. */
export function checkRandAugment(o: RandAugmentOptions): void {
  if (!Number.isInteger(o.n) || o.n < 0) throw new Error(`RandAugment: 'n' (ops per image) must be an integer >= 0, received ${String(o.n)}`);
  if (!(o.magnitude >= 0 && o.magnitude <= 10)) throw new Error(`RandAugment: 'magnitude' must be a number in [0, 10], received ${String(o.magnitude)}`);
  if (o.ops != null) {
    if (o.ops.length === 0) throw new Error("RandAugment: 'ops' must list at least one op");
    for (const op of o.ops) if (!RAND_AUGMENT_OPS.includes(op)) throw new Error(`RandAugment: 'ops' has unknown op '${String(op)}'; known: ${RAND_AUGMENT_OPS.join(', ')}`);
  }
}

/** `n` random ops at the global magnitude, applied in turn to one (h, w, c) image. */
export function randAugment(src: Float32Array, h: number, w: number, c: number, rng: Rng, o: RandAugmentOptions): Float32Array {
  checkRandAugment(o);
  const ops = o.ops ?? RAND_AUGMENT_OPS;
  let img = src;
  for (let i = 0; i < o.n; i++) {
    const op = ops[Math.min(ops.length - 1, Math.floor(rng() * ops.length))];
    img = applyRandAugmentOp(op, img, h, w, c, o.magnitude, rng() < 0.5 ? -1 : 1);
  }
  return img;
}

/** The --rand-augment flag: 'N,M' (ops per image, magnitude 0–10), e.g. '2,9'. */
export function parseRandAugment(flag: string): RandAugmentOptions {
  const parts = flag.split(',').map((s) => s.trim());
  const [n, magnitude] = parts.map(Number);
  if (parts.length !== 2 || parts.some((s) => s === '') || !Number.isInteger(n) || n < 0 || !(magnitude >= 0 && magnitude <= 10)) {
    throw new Error(`--rand-augment must be 'N,M' (N ops per image, an integer >= 0; magnitude M in [0, 10]), e.g. '2,9'; received '${flag}'`);
  }
  return { n, magnitude };
}
