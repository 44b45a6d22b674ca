import * as tf from '@tensorflow/tfjs-core';
import { Linear, mulberry32 } from '@statespace/ssm-core';

/** Seeded standard normal draws (Box–Muller on mulberry32). */
export function gaussians(n: number, seed: number, scale = 1): Float32Array {
  const rng = mulberry32(seed >>> 0);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return out;
}

export function checkPosInt(model: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${model}: option '${name}' expects an integer >= 1, received ${String(v)}`);
  return v;
}

export function checkRate(model: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${model}: option '${name}' expects a number in [0, 1), received ${String(v)}`);
  return v;
}

/** The single input tensor of a layer call. */
export function one(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** Resolves a named preset plus overrides; unknown preset or option names are errors. */
export function resolvePreset<C extends object>(model: string, presets: Record<string, C>, preset: string, overrides: Partial<C> = {}): C {
  const base = presets[preset];
  if (!base) throw new Error(`${model}: unknown config '${preset}'; known: ${Object.keys(presets).join(', ')}`);
  for (const k of Object.keys(overrides)) {
    if (!(k in base)) throw new Error(`${model}: unknown option '${k}'; known: ${Object.keys(base).join(', ')}`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}

/**
 * The models' dense layer: ssm-core's `Linear` (fast wasm gradient; same maths and weight names as tfjs' Dense).
 * 'gelu' here is the tanh form (PyTorch's approximate='tanh', within 5e-4 of the erf form): tfjs-wasm's Erf is a
 * scalar loop ~13× slower than the Sigmoid the tanh form is computed with, and the erf GELU was ~20% of a SpaceTime step.
 */
export function dense(name: string, units: number, seed: number, activation: 'linear' | 'gelu' = 'linear'): Linear {
  return new Linear({ name, units, seed, activation: activation === 'gelu' ? 'geluTanh' : 'linear' });
}
