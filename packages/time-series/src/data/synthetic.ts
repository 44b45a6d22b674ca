import * as fs from 'fs';
import { mulberry32 } from '@statespace/ssm-core';

/** Seeded standard normals (Box–Muller). */
function gauss(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * Coefficients of a stable AR(p) process: the characteristic polynomial has random roots with moduli uniform in
 * [minRadius, radius] (complex pairs, plus one real root for odd p), expanded to x_t = Σ φ_i x_{t−i} + ε_t.
 * Default moduli 0.57–0.95; roots near the unit circle (e.g. 0.9–0.99) give slowly decaying, hard-to-fit processes.
 */
export function stableArCoefficients(p: number, seed: number, radius = 0.95, minRadius = 0.6 * radius): number[] {
  if (!Number.isInteger(p) || p < 1) throw new Error(`stableArCoefficients: p expects an integer >= 1, received ${String(p)}`);
  if (!(radius > 0 && radius < 1) || !(minRadius >= 0 && minRadius <= radius)) {
    throw new Error(`stableArCoefficients: expected 0 <= minRadius <= radius < 1, received minRadius ${minRadius}, radius ${radius}`);
  }
  const rng = mulberry32(seed);
  // polynomial Π (1 − r z) with real coefficients, built from conjugate pairs
  let poly = [1];
  const mul = (q: number[]) => {
    const out = new Array(poly.length + q.length - 1).fill(0);
    poly.forEach((a, i) => q.forEach((b, j) => (out[i + j] += a * b)));
    poly = out;
  };
  for (let k = 0; k < Math.floor(p / 2); k++) {
    const r = minRadius + (radius - minRadius) * rng();
    const th = Math.PI * (0.05 + 0.9 * rng());
    mul([1, -2 * r * Math.cos(th), r * r]);
  }
  if (p % 2) mul([1, -(minRadius + (radius - minRadius) * rng()) * (rng() < 0.5 ? -1 : 1)]);
  return poly.slice(1).map((c) => -c);
}

/** A series of an AR(p) process with unit-variance noise (after a burn-in). */
export function arSeries(phi: number[], length: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const p = phi.length;
  const burn = 500;
  const x = new Float64Array(length + burn);
  for (let t = 0; t < x.length; t++) {
    let s = gauss(rng);
    for (let i = 0; i < p; i++) if (t - 1 - i >= 0) s += phi[i] * x[t - 1 - i];
    x[t] = s;
  }
  return Float32Array.from(x.subarray(burn));
}

/** Writes a demo CSV (date + 3 seasonal variates + OT) the package can train on without downloads. */
export function writeDemoCsv(file: string, rows = 3000, seed = 0): void {
  const rng = mulberry32(seed);
  const lines = ['date,load,temp,humidity,OT'];
  const t0 = Date.UTC(2020, 0, 1);
  let ot = 20;
  for (let t = 0; t < rows; t++) {
    const day = Math.sin((2 * Math.PI * t) / 24);
    const week = Math.sin((2 * Math.PI * t) / 168);
    const load = 10 + 3 * day + week + 0.3 * gauss(rng);
    const temp = 15 + 5 * Math.sin((2 * Math.PI * (t - 3)) / 24) + 0.3 * gauss(rng);
    const hum = 60 - 10 * day + gauss(rng);
    ot = 0.9 * ot + 0.1 * (0.8 * load + 0.5 * temp) + 0.2 * gauss(rng);
    const d = new Date(t0 + t * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${d},${load.toFixed(3)},${temp.toFixed(3)},${hum.toFixed(3)},${ot.toFixed(3)}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}
