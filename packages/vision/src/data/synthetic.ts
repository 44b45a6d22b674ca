import { mulberry32 } from '@statespace/ssm-core';
import { ArrayImageSource } from './source';

export const SHAPE_CLASSES = ['disc', 'ring', 'square', 'frame', 'cross', 'horizontal bar', 'vertical bar', 'diagonal'];

/**
 * A small generated image set (28×28 greyscale, 8 shape classes at random position, size and
 * brightness, plus noise), for demos and tests where no real data is available.
 */
export function renderShapes(count: number, seed = 0, size = 28): ArrayImageSource {
  const rng = mulberry32(seed);
  const px = new Uint8Array(count * size * size);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const k = n % SHAPE_CLASSES.length;
    labels[n] = k;
    const r = size * (0.18 + 0.14 * rng());
    const cx = r + rng() * (size - 2 * r);
    const cy = r + rng() * (size - 2 * r);
    const v = 140 + 115 * rng();
    const t = Math.max(1.2, r * 0.3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        const d = Math.hypot(dx, dy);
        const m = Math.max(Math.abs(dx), Math.abs(dy));
        const on = [d < r, d < r && d > r - t, m < r, m < r && m > r - t, (Math.abs(dx) < t / 2 || Math.abs(dy) < t / 2) && m < r,
          Math.abs(dy) < t / 2 && Math.abs(dx) < r, Math.abs(dx) < t / 2 && Math.abs(dy) < r, Math.abs(dx - dy) < t / 2 && m < r][k];
        px[n * size * size + y * size + x] = Math.min(255, Math.max(0, (on ? v : 0) + 25 * (rng() - 0.5)));
      }
    }
  }
  return new ArrayImageSource(`generated shapes (${count})`, px, labels, size, size, 1, SHAPE_CLASSES);
}
