import * as fs from 'fs';
import * as path from 'path';

/** The shared datasets folder ($STATESPACE_DATA or <repo>/../shared/datasets). */
export const DATA_DIR = process.env.STATESPACE_DATA ?? path.resolve(__dirname, '../../../../../shared/datasets');
export const MODELNET10 = path.join(DATA_DIR, 'modelnet10');
export const HAVE_MODELNET10 = fs.existsSync(path.join(MODELNET10, 'train.bin'));
if (!HAVE_MODELNET10) console.warn(`[point-cloud tests] ${MODELNET10}/train.bin not found: real-data tests are skipped`);

/** Reads `count` shapes starting at `first` from train.bin (raw coordinates, flat xyz per shape). */
export function modelnetShapes(first: number, count: number, points = 1024): Float32Array[] {
  const fd = fs.openSync(path.join(MODELNET10, 'train.bin'), 'r');
  try {
    const out: Float32Array[] = [];
    for (let s = first; s < first + count; s++) {
      const buf = Buffer.alloc(points * 12);
      fs.readSync(fd, buf, 0, buf.length, s * points * 12);
      out.push(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)));
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/** Points spread uniformly on the unit sphere surface, from a small LCG (independent of the package's rng). */
export function sphereCloud(n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const z = 2 * r() - 1, t = 2 * Math.PI * r(), q = Math.sqrt(1 - z * z);
    out[3 * i] = q * Math.cos(t); out[3 * i + 1] = q * Math.sin(t); out[3 * i + 2] = z;
  }
  return out;
}

/** Runs fn twice (the first call may create lasting tensors, e.g. lazily built weights) and checks the second leaks none. */
export function expectNoTensorLeak(fn: () => void): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
  fn();
  const before = tf.memory().numTensors;
  fn();
  expect(tf.memory().numTensors).toBe(before);
}
