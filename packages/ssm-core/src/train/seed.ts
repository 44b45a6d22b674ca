import * as tf from '@tensorflow/tfjs-core';

/** Uniform [0, 1) generator. */
export interface Rng {
  (): number;
}

/**
 * mulberry32: a 32-bit-state PRNG (Tommy Ettinger), plain integer math, so the same seed gives the
 * same stream on every platform; values are produced in JS and uploaded, so also on every backend.
 */
export function mulberry32(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new Error(`mulberry32: argument 'seed' must be a finite number, received ${String(seed)}`);
  }
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let globalRng: Rng = mulberry32(0);

/** Resets the package-wide generator used when no `rng` is passed. */
export function setSeed(seed: number): void {
  globalRng = mulberry32(seed);
}

export function getGlobalRng(): Rng {
  return globalRng;
}

function sizeOf(op: string, shape: readonly number[]): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${op}: argument 'shape' must be an array of integers >= 0, received ${JSON.stringify(shape)}`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

/** Float32 tensor of uniform values in [lo, hi). */
export function uniform(shape: number[], lo = 0, hi = 1, rng: Rng = globalRng): tf.Tensor {
  const n = sizeOf('uniform', shape);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new Error(`uniform: arguments 'lo' < 'hi' must be finite, received lo=${lo}, hi=${hi}`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng();
  return tf.tensor(out, shape, 'float32');
}

/** Float32 tensor of normal values (Box–Muller). */
export function normal(shape: number[], mean = 0, std = 1, rng: Rng = globalRng): tf.Tensor {
  const n = sizeOf('normal', shape);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || !(std >= 0)) {
    throw new Error(`normal: 'mean' must be finite and 'std' finite >= 0, received mean=${mean}, std=${std}`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - rng(); // (0, 1]: log stays finite
    const u2 = rng();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
  }
  return tf.tensor(out, shape, 'float32');
}
