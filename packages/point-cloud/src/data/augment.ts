import type { Rng } from '@statespace/ssm-core';

/** Training augmentations (PointNet++ / PointMLP conventions). All act in place on flat xyz and return it. */
export interface AugmentOptions {
  /** Anisotropic scale: each axis × U(lo, hi) (PointMLP: [2/3, 3/2]). */
  scale?: [number, number];
  /** Shift: each axis + U(−s, s). */
  shift?: number;
  /** Jitter: N(0, sigma²) per coordinate, clipped to ±clip. */
  jitter?: { sigma: number; clip: number };
  /** Rotation by U(0, 2π) about the up axis. */
  rotateUp?: boolean;
  upAxis?: 0 | 1 | 2;
  /** Point dropout: drops a fraction U(0, max) of the points, replacing them by the first point (keeps N). */
  dropout?: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { scale: [2 / 3, 3 / 2], shift: 0.2 };

const gauss = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

export function anisotropicScale(xyz: Float32Array, rng: Rng, lo = 2 / 3, hi = 3 / 2): Float32Array {
  const s = [0, 1, 2].map(() => lo + (hi - lo) * rng());
  for (let i = 0; i < xyz.length; i++) xyz[i] *= s[i % 3];
  return xyz;
}

export function shift(xyz: Float32Array, rng: Rng, range = 0.2): Float32Array {
  const t = [0, 1, 2].map(() => (2 * rng() - 1) * range);
  for (let i = 0; i < xyz.length; i++) xyz[i] += t[i % 3];
  return xyz;
}

export function jitter(xyz: Float32Array, rng: Rng, sigma = 0.01, clip = 0.05): Float32Array {
  for (let i = 0; i < xyz.length; i++) xyz[i] += Math.max(-clip, Math.min(clip, sigma * gauss(rng)));
  return xyz;
}

/** Rotation about `upAxis` (default z, ModelNet's raw meshes are z-up) by `angle` (default U(0, 2π)). */
export function rotateAboutUp(xyz: Float32Array, rng: Rng, upAxis: 0 | 1 | 2 = 2, angle = 2 * Math.PI * rng()): Float32Array {
  const [a, b] = [0, 1, 2].filter((x) => x !== upAxis);
  const c = Math.cos(angle), s = Math.sin(angle);
  for (let i = 0; i < xyz.length; i += 3) {
    const u = xyz[i + a], v = xyz[i + b];
    xyz[i + a] = c * u - s * v;
    xyz[i + b] = s * u + c * v;
  }
  return xyz;
}

export function pointDropout(xyz: Float32Array, rng: Rng, maxRate = 0.875): Float32Array {
  const rate = rng() * maxRate;
  for (let i = 1; i < xyz.length / 3; i++) {
    if (rng() < rate) for (let a = 0; a < 3; a++) xyz[3 * i + a] = xyz[a];
  }
  return xyz;
}

export function augment(xyz: Float32Array, rng: Rng, o: AugmentOptions = DEFAULT_AUGMENT): Float32Array {
  if (o.dropout) pointDropout(xyz, rng, o.dropout);
  if (o.rotateUp) rotateAboutUp(xyz, rng, o.upAxis ?? 2);
  if (o.scale) anisotropicScale(xyz, rng, o.scale[0], o.scale[1]);
  if (o.shift) shift(xyz, rng, o.shift);
  if (o.jitter) jitter(xyz, rng, o.jitter.sigma, o.jitter.clip);
  return xyz;
}
