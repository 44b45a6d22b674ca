import type { Rng } from '@statespace/ssm-core';

/** Dataset statistics of log-mel features (one mean and std over all values, as AST/SSAMBA). */
export interface FeatureStats {
  mean: number;
  std: number;
}

/** Mean and (population) std of every value of every example. */
export function computeStats(examples: Float32Array[]): FeatureStats {
  let n = 0;
  let s = 0;
  let s2 = 0;
  for (const x of examples) {
    for (let i = 0; i < x.length; i++) {
      s += x[i];
      s2 += x[i] * x[i];
    }
    n += x.length;
  }
  if (n === 0) throw new Error('computeStats: argument \'examples\' holds no values');
  const mean = s / n;
  const std = Math.sqrt(Math.max(s2 / n - mean * mean, 0));
  return { mean, std: std > 0 ? std : 1 };
}

/** (x − mean) / std, a new array. SSAMBA/AST divide by 2·std; the caller may pass such a std. */
export function normalize(x: Float32Array, stats: FeatureStats): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - stats.mean) / stats.std;
  return out;
}

export interface SpecAugmentOptions {
  /** Number of frequency masks (default 2) and the largest width F of each (default 24 bins). */
  freqMasks?: number;
  freqMaskWidth?: number;
  /** Number of time masks (default 2) and the largest width T (default 12 frames). */
  timeMasks?: number;
  timeMaskWidth?: number;
  /** Value written into masked cells (default 0: the mean after normalization). */
  value?: number;
}

/**
 * SpecAugment (Park et al. 2019) frequency and time masking on a (frames, bins) row-major
 * spectrogram: each mask has width w ~ U{0..W} and start ~ U{0..size−w}. Returns a new array.
 */
export function specAugment(x: Float32Array, frames: number, bins: number, rng: Rng, o: SpecAugmentOptions = {}): Float32Array {
  if (x.length !== frames * bins) throw new Error(`specAugment: argument 'x' must have frames·bins = ${frames * bins} values, received ${x.length}`);
  const out = Float32Array.from(x);
  const value = o.value ?? 0;
  const draw = (size: number, W: number): [number, number] => {
    const w = Math.floor(rng() * (Math.min(W, size) + 1));
    const start = Math.floor(rng() * (size - w + 1));
    return [start, w];
  };
  for (let m = 0; m < (o.freqMasks ?? 2); m++) {
    const [f0, w] = draw(bins, o.freqMaskWidth ?? 24);
    for (let t = 0; t < frames; t++) out.fill(value, t * bins + f0, t * bins + f0 + w);
  }
  for (let m = 0; m < (o.timeMasks ?? 2); m++) {
    const [t0, w] = draw(frames, o.timeMaskWidth ?? 12);
    out.fill(value, t0 * bins, (t0 + w) * bins);
  }
  return out;
}

/** Gamma(k, 1) by Marsaglia–Tsang (k < 1 via the boost u^(1/k)). */
function gamma(k: number, rng: Rng): number {
  if (k < 1) return gamma(k + 1, rng) * Math.pow(rng(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      const u1 = rng() || 1e-12;
      x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** λ ~ Beta(α, α). */
export function sampleBeta(alpha: number, rng: Rng): number {
  const a = gamma(alpha, rng);
  const b = gamma(alpha, rng);
  return a / (a + b);
}

/**
 * mixup (Zhang et al. 2018) on a batch: x_i ← λ_i x_i + (1 − λ_i) x_perm(i), same for one-hot
 * labels, λ_i ~ Beta(α, α), perm a random permutation. Features (batch, dim) and labels
 * (batch, classes) row-major; returns new arrays and the λs.
 */
export function mixup(x: Float32Array, y: Float32Array, batch: number, alpha: number, rng: Rng): { x: Float32Array; y: Float32Array; lambdas: number[]; perm: number[] } {
  if (!(alpha > 0)) throw new Error(`mixup: argument 'alpha' must be > 0, received ${String(alpha)}`);
  if (x.length % batch !== 0 || y.length % batch !== 0) throw new Error(`mixup: x (${x.length}) and y (${y.length}) must split into ${batch} rows`);
  const dx = x.length / batch;
  const dy = y.length / batch;
  const perm = Array.from({ length: batch }, (_, i) => i);
  for (let i = batch - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const ox = new Float32Array(x.length);
  const oy = new Float32Array(y.length);
  const lambdas: number[] = [];
  for (let i = 0; i < batch; i++) {
    const l = sampleBeta(alpha, rng);
    lambdas.push(l);
    const j = perm[i];
    for (let k = 0; k < dx; k++) ox[i * dx + k] = l * x[i * dx + k] + (1 - l) * x[j * dx + k];
    for (let k = 0; k < dy; k++) oy[i * dy + k] = l * y[i * dy + k] + (1 - l) * y[j * dy + k];
  }
  return { x: ox, y: oy, lambdas, perm };
}

export interface BackgroundNoiseOptions {
  /** Probability a clip gets noise (default 0.8, as TensorFlow's Speech Commands recipe). */
  probability?: number;
  /** Largest noise gain; the gain is ~U[0, maxGain] (default 0.1). */
  maxGain?: number;
  /** Clip the sum to [−1, 1] (default true; off for RMS-normalized model inputs). */
  clip?: boolean;
}

/**
 * Speech Commands `_background_noise_` augmentation on a waveform: with probability p, add a
 * random segment of a random noise recording times a gain ~U[0, maxGain] (clipped to [−1, 1]).
 * Noise recordings shorter than the clip are tiled. Returns a new array.
 */
export function addBackgroundNoise(x: Float32Array, noises: Float32Array[], rng: Rng, o: BackgroundNoiseOptions = {}): Float32Array {
  const out = Float32Array.from(x);
  if (noises.length === 0 || rng() >= (o.probability ?? 0.8)) return out;
  const noise = noises[Math.floor(rng() * noises.length)];
  if (noise.length === 0) return out;
  const gain = rng() * (o.maxGain ?? 0.1);
  const start = Math.floor(rng() * noise.length);
  const clip = o.clip ?? true;
  for (let i = 0; i < out.length; i++) {
    const v = out[i] + gain * noise[(start + i) % noise.length];
    out[i] = clip ? Math.max(-1, Math.min(1, v)) : v;
  }
  return out;
}
