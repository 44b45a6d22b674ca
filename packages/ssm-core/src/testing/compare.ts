import * as tf from '@tensorflow/tfjs-core';

/**
 * Largest elementwise |a - b| / (atol + rtol·|b|); ≤ 1 means close. Throws with the position and
 * both values when the shapes differ or the tolerance is exceeded, so failures say where.
 */
export function expectClose(actual: tf.Tensor, expected: tf.Tensor, atol: number, rtol: number, label = ''): void {
  const tag = label ? `${label}: ` : '';
  if (actual.shape.join(',') !== expected.shape.join(',')) {
    throw new Error(`${tag}shape [${actual.shape}] differs from expected [${expected.shape}]`);
  }
  const a = actual.dataSync();
  const b = expected.dataSync();
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const r = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
    if (!(r <= worst)) {
      worst = r;
      at = i;
    }
  }
  if (!(worst <= 1)) {
    throw new Error(`${tag}mismatch at flat index ${at}: actual ${a[at]}, expected ${b[at]} (atol ${atol}, rtol ${rtol}; ratio ${worst.toFixed(2)})`);
  }
}

/** Seeded uniform tensor in [lo, hi). */
export function rand(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.randomUniform(shape, lo, hi, 'float32', seed);
}

/** Runs `fn` and asserts it leaves no tensors behind (fn must dispose what it creates). */
export function expectNoLeak(fn: () => void, label = ''): void {
  const before = tf.memory().numTensors;
  fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${label ? label + ': ' : ''}leaked ${after - before} tensors (${before} -> ${after})`);
}
