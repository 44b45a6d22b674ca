import { mulberry32 } from '@statespace/ssm-core';
import { CTS_ORDERS, ctsOrder, inversePermutation } from './cts';
import { hilbertKey, mortonKey } from './sfc';
import { orderLocality, serializationOrder, SERIALIZATIONS } from './orders';
import { normalizeToUnitSphere } from '../geometry/normalize';
import { HAVE_MODELNET10, modelnetShapes, sphereCloud } from '../testing/data';

const isPermutation = (o: ArrayLike<number>, n: number) => o.length === n && new Set(Array.from(o)).size === n && Array.from(o).every((v) => v >= 0 && v < n);

describe('CTS', () => {
  it('visits every cell of a full grid once, each step to a face neighbour (a snake), for all 6 orders', () => {
    const E = 4, g = 1;
    const pts: number[] = [];
    for (let x = 0; x < E; x++) for (let y = 0; y < E; y++) for (let z = 0; z < E; z++) pts.push(x + 0.5, y + 0.5, z + 0.5);
    for (const o of CTS_ORDERS) {
      const ord = ctsOrder(pts, o, g);
      expect(isPermutation(ord, E ** 3)).toBe(true);
      for (let i = 0; i + 1 < ord.length; i++) {
        const a = ord[i], b = ord[i + 1];
        const manhattan = Math.abs(pts[3 * a] - pts[3 * b]) + Math.abs(pts[3 * a + 1] - pts[3 * b + 1]) + Math.abs(pts[3 * a + 2] - pts[3 * b + 2]);
        expect(manhattan).toBe(1);
      }
    }
  });
  it('is not a sort by one axis: the fastest axis alternates direction', () => {
    const pts = [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1];
    // xyz order: (0,0,0) (0,0,1) then row y=1 runs z backwards: (0,1,1) (0,1,0)
    expect(Array.from(ctsOrder(pts, 'xyz', 1))).toEqual([0, 1, 3, 2]);
  });
  it('orders differ from each other and the inverse scatters back', () => {
    const c = sphereCloud(256, 4);
    const orders = CTS_ORDERS.map((o) => ctsOrder(c, o, 0.1));
    expect(new Set(orders.map((o) => o.join(','))).size).toBe(6);
    const inv = inversePermutation(orders[2]);
    for (let i = 0; i < 256; i++) expect(orders[2][inv[i]]).toBe(i);
    expect(() => ctsOrder(c, 'xxy' as never)).toThrow(/'order' must be one of xyz/);
  });
  it('consecutive points are spatial neighbours far more often than in a random order (measured)', () => {
    const clouds = HAVE_MODELNET10 ? modelnetShapes(0, 3).map((s) => normalizeToUnitSphere(s)) : [sphereCloud(1024)];
    for (const c of clouds) {
      const sub = c.subarray(0, 512 * 3); // points are in sampling order, so a prefix is a spread-out subset
      const rng = mulberry32(3);
      const rand = orderLocality(sub, serializationOrder('random', sub, 0, { rng }));
      for (let v = 0; v < 6; v++) {
        const cts = orderLocality(sub, ctsOrder(sub, CTS_ORDERS[v], 0.1));
        console.log(`CTS ${CTS_ORDERS[v]}: neighbour rate (next point among 8-NN) ${cts.neighborRate.toFixed(3)} vs random ${rand.neighborRate.toFixed(3)}; mean step ${cts.meanStep.toFixed(3)} vs ${rand.meanStep.toFixed(3)}`);
        expect(cts.neighborRate).toBeGreaterThan(10 * rand.neighborRate);
        expect(cts.meanStep).toBeLessThan(rand.meanStep / 3);
      }
    }
  });
});

describe('space-filling curves', () => {
  it('Hilbert keys are a bijection whose consecutive cells are face neighbours; Morton keys a bijection', () => {
    const bits = 3, side = 8;
    const byH = new Map<number, number[]>(), byM = new Set<number>();
    for (let x = 0; x < side; x++) for (let y = 0; y < side; y++) for (let z = 0; z < side; z++) {
      byH.set(hilbertKey(x, y, z, bits), [x, y, z]);
      byM.add(mortonKey(x, y, z, bits));
    }
    expect(byH.size).toBe(512);
    expect(byM.size).toBe(512);
    for (let k = 0; k + 1 < 512; k++) {
      const a = byH.get(k)!, b = byH.get(k + 1)!;
      expect(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2])).toBe(1);
    }
    expect(mortonKey(1, 0, 0, 2)).toBe(1);
    expect(mortonKey(0, 0, 1, 2)).toBe(4);
    expect(mortonKey(2, 0, 0, 2)).toBe(8);
  });
  it('every family gives permutations for all 6 variants', () => {
    const c = sphereCloud(100, 8);
    for (const k of SERIALIZATIONS) for (let v = 0; v < 6; v++) {
      expect(isPermutation(serializationOrder(k, c, v, { rng: mulberry32(v) }), 100)).toBe(true);
    }
  });
});
