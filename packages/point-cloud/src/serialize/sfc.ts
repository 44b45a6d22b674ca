import { argsort, quantize } from './cts';
import { checkXyz } from '../geometry/fps';

/** Cells on a 2^bits grid spanning the cloud's bounding box (all axes scaled alike, so shapes are not distorted). */
function cubeCells(xyz: ArrayLike<number>, bits: number): Int32Array {
  const n = checkXyz('spaceFillingCurve', xyz);
  if (!Number.isInteger(bits) || bits < 1 || bits > 16) throw new Error(`spaceFillingCurve: 'bits' must be an integer in [1, 16], received ${bits}`);
  const mn = [Infinity, Infinity, Infinity], mx = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n * 3; i++) { mn[i % 3] = Math.min(mn[i % 3], xyz[i]); mx[i % 3] = Math.max(mx[i % 3], xyz[i]); }
  const span = Math.max(mx[0] - mn[0], mx[1] - mn[1], mx[2] - mn[2]);
  const side = 1 << bits;
  const grid = span > 0 ? span / side * (1 + 1e-6) : 1;
  const shifted = new Float64Array(n * 3);
  for (let i = 0; i < n * 3; i++) shifted[i] = xyz[i] - mn[i % 3];
  return quantize(shifted, grid).cells;
}

/** Morton (z-order) key: the bits of x, y, z interleaved (x lowest). */
export function mortonKey(x: number, y: number, z: number, bits: number): number {
  let key = 0;
  for (let b = bits - 1; b >= 0; b--) key = key * 8 + (((z >> b) & 1) << 2 | ((y >> b) & 1) << 1 | ((x >> b) & 1));
  return key;
}

/**
 * Hilbert key of a cell (Skilling, "Programming the Hilbert curve", AIP 2004: axes → transposed index,
 * then the transposed bits read out as one integer). Hand-written: small, and no maintained 3-D package exists.
 */
export function hilbertKey(x: number, y: number, z: number, bits: number): number {
  const X = [x, y, z];
  const M = 1 << (bits - 1);
  // inverse undo excess work
  for (let Q = M; Q > 1; Q >>= 1) {
    const P = Q - 1;
    for (let i = 0; i < 3; i++) {
      if (X[i] & Q) X[0] ^= P;
      else { const t = (X[0] ^ X[i]) & P; X[0] ^= t; X[i] ^= t; }
    }
  }
  // Gray encode
  for (let i = 1; i < 3; i++) X[i] ^= X[i - 1];
  let t = 0;
  for (let Q = M; Q > 1; Q >>= 1) if (X[2] & Q) t ^= Q - 1;
  for (let i = 0; i < 3; i++) X[i] ^= t;
  let key = 0;
  for (let b = bits - 1; b >= 0; b--) for (let i = 0; i < 3; i++) key = key * 2 + ((X[i] >> b) & 1);
  return key;
}

export function mortonOrder(xyz: ArrayLike<number>, bits = 10): Int32Array {
  const cells = cubeCells(xyz, bits);
  const keys = new Float64Array(cells.length / 3);
  for (let i = 0; i < keys.length; i++) keys[i] = mortonKey(cells[3 * i], cells[3 * i + 1], cells[3 * i + 2], bits);
  return argsort(keys);
}

export function hilbertOrder(xyz: ArrayLike<number>, bits = 10): Int32Array {
  const cells = cubeCells(xyz, bits);
  const keys = new Float64Array(cells.length / 3);
  for (let i = 0; i < keys.length; i++) keys[i] = hilbertKey(cells[3 * i], cells[3 * i + 1], cells[3 * i + 2], bits);
  return argsort(keys);
}
