import { shapeLabel } from './cases/inputs';
import { BenchCase } from './types';

/**
 * The case at its shape with `override`'s entries replaced (--shape). Every key must be one of the
 * case's. The probe (a smaller shape for the time estimate) takes the same entries unless they touch
 * the dimension it shrinks; then its scale factor would be wrong, so the case runs without a probe
 * (the warm-up run still caps the time).
 */
export function withShape(c: BenchCase, override: Record<string, number>): BenchCase {
  for (const k of Object.keys(override)) {
    if (!(k in c.shape)) {
      throw new Error(`bench: --shape names '${k}', which op ${c.op} does not have; its shape keys are ${Object.keys(c.shape).join(', ')}`);
    }
  }
  const shape = { ...c.shape, ...override };
  let probe = c.probe;
  if (probe) {
    const shrunk = Object.keys(probe.shape).filter((k) => probe?.shape[k] !== c.shape[k]);
    probe = shrunk.some((k) => k in override) ? undefined : { ...probe, shape: { ...probe.shape, ...override } };
  }
  return { ...c, shape, probe };
}

/** Each case at each --shape (none given: the cases as they are), duplicates (same op and shape) once. */
export function expandShapes(cases: BenchCase[], shapes: Record<string, number>[]): BenchCase[] {
  if (shapes.length === 0) return cases;
  const seen = new Set<string>();
  const out: BenchCase[] = [];
  for (const c of cases) {
    for (const s of shapes) {
      const x = withShape(c, s);
      const id = `${x.op} ${shapeLabel(x.shape)}`;
      if (!seen.has(id)) {
        seen.add(id);
        out.push(x);
      }
    }
  }
  return out;
}
