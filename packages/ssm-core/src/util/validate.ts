import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Argument checks that fail with an Error naming the op, the argument, what was expected and
 * what was received, before bad input can reach a kernel (where it would become NaN or a crash).
 */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function assertTensor(op: string, name: string, x: unknown): asserts x is Tensor {
  if (x == null || typeof x !== 'object' || !('shape' in x) || !('dtype' in x)) {
    throw new Error(`${op}: argument '${name}' must be a tf.Tensor, received ${x === null ? 'null' : typeof x}`);
  }
}

export function assertDtype(op: string, name: string, x: Tensor, dtype: string): void {
  if (x.dtype !== dtype) {
    throw new Error(`${op}: argument '${name}' must have dtype ${dtype}, received ${x.dtype}`);
  }
}

/** `dims` names each axis, e.g. ['B', 'D', 'L']; `expected` may hold -1 for "any". */
export function assertShape(op: string, name: string, x: Tensor, expected: readonly number[], dims: readonly string[]): void {
  const ok = x.rank === expected.length && expected.every((e, i) => e < 0 || e === x.shape[i]);
  if (!ok) {
    const want = expected.map((e, i) => (e < 0 ? dims[i] : `${dims[i]}=${e}`)).join(', ');
    throw new Error(`${op}: argument '${name}' must have shape (${want}), received shape ${fmtShape(x.shape)}`);
  }
}

export function assertRank(op: string, name: string, x: Tensor, ranks: readonly number[], dims: string): void {
  if (!ranks.includes(x.rank)) {
    throw new Error(`${op}: argument '${name}' must have rank ${ranks.join(' or ')} ${dims}, received rank ${x.rank} with shape ${fmtShape(x.shape)}`);
  }
}

export function assertInt(op: string, name: string, v: unknown, min: number, max = Infinity): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${op}: option '${name}' must be an integer ${range}, received ${String(v)}`);
  }
}
