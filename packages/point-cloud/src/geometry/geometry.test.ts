import { mulberry32 } from '@statespace/ssm-core';
import { farthestPointSample, gatherPoints } from './fps';
import { ballQuery, knn } from './neighbors';
import { groupRelative } from './group';
import { normalizeToUnitSphere, resample } from './normalize';
import { HAVE_MODELNET10, modelnetShapes, sphereCloud } from '../testing/data';

const d2 = (p: ArrayLike<number>, i: number, q: ArrayLike<number>, j: number) =>
  (p[3 * i] - q[3 * j]) ** 2 + (p[3 * i + 1] - q[3 * j + 1]) ** 2 + (p[3 * i + 2] - q[3 * j + 2]) ** 2;

/** Brute-force FPS: recomputes every point's distance to the whole chosen set at each step (O(N·M²)). */
function fpsBruteForce(xyz: Float32Array, m: number): number[] {
  const n = xyz.length / 3;
  const chosen = [0];
  while (chosen.length < m) {
    let best = -1, bestD = -1;
    for (let i = 0; i < n; i++) {
      const di = Math.min(...chosen.map((c) => d2(xyz, i, xyz, c)));
      if (di > bestD) { bestD = di; best = i; }
    }
    chosen.push(best);
  }
  return chosen;
}

describe('farthestPointSample', () => {
  it('matches a brute-force reference on random and real clouds', () => {
    const clouds = [sphereCloud(300, 3)];
    if (HAVE_MODELNET10) clouds.push(normalizeToUnitSphere(modelnetShapes(5, 1)[0]));
    for (const c of clouds) {
      expect(Array.from(farthestPointSample(c, 40))).toEqual(fpsBruteForce(c, 40));
    }
  });
  it('returns distinct indices and rejects bad arguments', () => {
    const c = sphereCloud(64);
    expect(new Set(farthestPointSample(c, 64)).size).toBe(64);
    expect(() => farthestPointSample(c, 65)).toThrow(/'m' must be an integer in \[1, 64\], received 65/);
    expect(() => farthestPointSample(new Float32Array(4), 1)).toThrow(/length 3·N, received length 4/);
  });
});

describe('knn / ballQuery', () => {
  it('knn equals sorting all distances', () => {
    const p = sphereCloud(200, 5), q = sphereCloud(17, 9);
    const k = 7;
    const got = knn(p, q, k);
    for (let j = 0; j < 17; j++) {
      const all = Array.from({ length: 200 }, (_, i) => i).sort((a, b) => d2(p, a, q, j) - d2(p, b, q, j) || a - b);
      expect(Array.from(got.slice(j * k, j * k + k))).toEqual(all.slice(0, k));
    }
  });
  it('ballQuery returns the first points inside the radius, padded with the first one', () => {
    const p = new Float32Array([0, 0, 0, 1, 0, 0, 0.1, 0, 0, 0.2, 0, 0, 5, 5, 5]);
    const q = new Float32Array([0, 0, 0, 9, 9, 9]);
    expect(Array.from(ballQuery(p, q, 0.15, 3))).toEqual([0, 2, 0, 4, 4, 4]);
    expect(() => ballQuery(p, q, -1, 3)).toThrow(/'radius' must be a finite number > 0, received -1/);
  });
});

describe('grouping, normalization, resampling', () => {
  it('groups neighbours relative to their anchor', () => {
    const c = sphereCloud(100, 2);
    const a = farthestPointSample(c, 10);
    const nb = knn(c, gatherPoints(c, a), 4);
    const g = groupRelative(c, a, nb, 4);
    for (let m = 0; m < 10; m++) {
      expect(g[m * 12]).toBe(0); // the anchor is its own nearest neighbour
      const i = nb[m * 4 + 2];
      expect(g[(m * 4 + 2) * 3 + 1]).toBeCloseTo(c[3 * i + 1] - c[3 * a[m] + 1], 6);
    }
    const r = groupRelative(c, a, nb, 4, 'radius');
    for (let m = 0; m < 10; m++) {
      const radii = [0, 1, 2, 3].map((j) => Math.hypot(r[(m * 4 + j) * 3], r[(m * 4 + j) * 3 + 1], r[(m * 4 + j) * 3 + 2]));
      expect(Math.max(...radii)).toBeCloseTo(1, 5);
    }
    expect(() => groupRelative(c, a, nb, 5)).toThrow(/anchors·k = 50 entries, received 40/);
  });
  it('normalizes to the unit sphere and resamples', () => {
    const c = new Float32Array([10, 10, 10, 12, 10, 10, 10, 14, 10]);
    normalizeToUnitSphere(c);
    const r = [0, 1, 2].map((i) => Math.hypot(c[3 * i], c[3 * i + 1], c[3 * i + 2]));
    expect(Math.max(...r)).toBeCloseTo(1, 6);
    expect(c[0] + c[3] + c[6]).toBeCloseTo(0, 6);
    const up = resample(c, 7, { rng: mulberry32(1) });
    expect(up.length).toBe(21);
    const down = resample(sphereCloud(50), 10, { method: 'fps' });
    expect(down.length).toBe(30);
    expect(() => resample(new Float32Array(0), 3)).toThrow(/empty/);
  });
});
