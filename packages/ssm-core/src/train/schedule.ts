/** A learning rate as a function of the 1-based update step (see AdamW: step t = the t-th update). */
export type LrSchedule = (step: number) => number;

export interface WarmupCosineOptions {
  /** Learning rate reached at the end of warmup (> 0). */
  peakLr: number;
  /** Steps of linear warmup from 0 to peakLr (integer ≥ 0; 0 = none). */
  warmupSteps: number;
  /** Step at which the cosine reaches minLr (integer > warmupSteps); constant minLr afterwards. */
  totalSteps: number;
  /** Final learning rate (0 ≤ minLr ≤ peakLr; default 0). */
  minLr?: number;
}

const OP = 'warmupCosine';

function assertNumber(name: string, v: unknown, ok: (x: number) => boolean, want: string): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
    throw new Error(`${OP}: option '${name}' must be ${want}, received ${String(v)}`);
  }
}

/**
 * lr(step) = peakLr·step/warmupSteps for step ≤ warmupSteps (linear from 0), then
 * minLr + (peakLr − minLr)·½(1 + cos(π·(step − warmupSteps)/(totalSteps − warmupSteps))) up to
 * totalSteps, then minLr.
 */
export function warmupCosine(options: WarmupCosineOptions): LrSchedule {
  if (options == null || typeof options !== 'object') throw new Error(`${OP}: options must be an object, received ${String(options)}`);
  const { peakLr, warmupSteps, totalSteps } = options;
  const minLr = options.minLr ?? 0;
  assertNumber('peakLr', peakLr, (x) => x > 0, 'a finite number > 0');
  assertNumber('warmupSteps', warmupSteps, (x) => Number.isInteger(x) && x >= 0, 'an integer >= 0');
  assertNumber('totalSteps', totalSteps, (x) => Number.isInteger(x) && x > warmupSteps, `an integer > warmupSteps (${warmupSteps})`);
  assertNumber('minLr', minLr, (x) => x >= 0 && x <= peakLr, `a finite number in [0, peakLr=${peakLr}]`);
  const decaySteps = totalSteps - warmupSteps;
  return (step: number): number => {
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
      throw new Error(`${OP}: step must be a finite number >= 0, received ${String(step)}`);
    }
    if (step < warmupSteps) return (peakLr * step) / warmupSteps;
    if (step >= totalSteps) return minLr;
    const progress = (step - warmupSteps) / decaySteps;
    return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}
