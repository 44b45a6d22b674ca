import type { LrSchedule } from './schedule';

export interface TimeCosineOptions {
  peakLr: number;
  warmupSteps: number;
  totalSteps: number;
  maxSeconds: number;
  /** Clock in seconds (injectable for tests; default: wall clock since the schedule's first call). */
  now?: () => number;
}

/**
 * Linear warmup, then a cosine to 0 over progress = max(step / totalSteps, elapsed / maxSeconds):
 * the learning rate reaches its end when either the planned steps or the time budget runs out, so a
 * run cut by --max-minutes still finishes its decay (a step-only cosine would stop at a high rate on a
 * machine slower than planned). Elapsed time counts from the first update of this process, so after
 * --resume the step fraction carries the progress made before.
 */
export function timeAwareCosine(o: TimeCosineOptions): LrSchedule {
  const check = (name: string, v: number, ok: boolean) => {
    if (!ok) throw new Error(`timeAwareCosine: '${name}' must be ${name === 'warmupSteps' ? 'an integer >= 0' : 'a number > 0'}, received ${v}`);
  };
  check('peakLr', o.peakLr, o.peakLr > 0);
  check('warmupSteps', o.warmupSteps, Number.isInteger(o.warmupSteps) && o.warmupSteps >= 0);
  check('totalSteps', o.totalSteps, o.totalSteps > 0);
  check('maxSeconds', o.maxSeconds, o.maxSeconds > 0);
  const clock = o.now ?? (() => Date.now() / 1000);
  let start: number | null = null;
  return (step: number) => {
    const t = clock();
    if (start == null) start = t;
    if (step <= o.warmupSteps) return (o.peakLr * Math.max(step, 1)) / Math.max(o.warmupSteps, 1);
    const progress = Math.min(1, Math.max((step - o.warmupSteps) / Math.max(1, o.totalSteps - o.warmupSteps), (t - start) / o.maxSeconds));
    return 0.5 * o.peakLr * (1 + Math.cos(Math.PI * progress));
  };
}
