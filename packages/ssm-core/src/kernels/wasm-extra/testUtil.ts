import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's cjs bundle registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { useBackend } from '../../testing/backends';

/** Deterministic uniform values in [lo, hi) (an LCG: independent of any backend). */
export function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}

export function tensorOf(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
}

/** Runs `f` on `backend` and returns copies of its outputs' values and shapes (no tensors kept). */
export async function runOn(backend: string, f: () => tf.Tensor[]): Promise<{ data: Float32Array[]; shapes: number[][] }> {
  await useBackend(backend);
  const outs = tf.tidy(f);
  const data = outs.map((t) => Float32Array.from(t.dataSync()));
  const shapes = outs.map((t) => t.shape);
  tf.dispose(outs);
  return { data, shapes };
}

/** Asserts |a − b| ≤ atol + rtol·|b| elementwise, naming the first failing index. */
export function expectArraysClose(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number, label: string): void {
  if (a.length !== b.length) throw new Error(`${label}: length ${a.length} differs from expected ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) {
      throw new Error(`${label}: index ${i}: ${a[i]} vs expected ${b[i]} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/** Runs `f` on wasm and cpu and asserts equal shapes and close values (wasm vs the cpu backend). */
export async function expectWasmMatchesCpu(f: () => tf.Tensor[], atol: number, rtol: number, label: string): Promise<void> {
  const c = await runOn('cpu', f);
  const w = await runOn('wasm', f);
  expect(w.shapes).toEqual(c.shapes);
  w.data.forEach((d, i) => expectArraysClose(d, c.data[i], atol, rtol, `${label} output ${i}`));
}

/** Σ a·b in float64 (for adjoint identities). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Direct einsum in float64 (the independent oracle): loops over every assignment of the labels.
 * `sizes` maps each label to its extent.
 */
export function einsumOracle(equation: string, operands: Float32Array[], sizes: Record<string, number>): Float64Array {
  const [lhs, out] = equation.split('->');
  const terms = lhs.split(',');
  const labels = Object.keys(sizes);
  const outSize = [...out].reduce((p, c) => p * sizes[c], 1);
  const result = new Float64Array(outSize);
  const idx: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  const flat = (term: string) => [...term].reduce((p, c) => p * sizes[c] + idx[c], 0);
  const total = labels.reduce((p, l) => p * sizes[l], 1);
  for (let n = 0; n < total; n++) {
    let r = n;
    for (let k = labels.length - 1; k >= 0; k--) {
      idx[labels[k]] = r % sizes[labels[k]];
      r = Math.floor(r / sizes[labels[k]]);
    }
    let prod = 1;
    terms.forEach((t, i) => (prod *= operands[i][flat(t)]));
    result[flat(out)] += prod;
  }
  return result;
}
