import { timeAwareCosine } from './timeAwareCosine';

describe('timeAwareCosine', () => {
  it('warms up linearly, then follows the larger of step and time progress to 0', () => {
    let now = 0;
    const lr = timeAwareCosine({ peakLr: 1, warmupSteps: 10, totalSteps: 110, maxSeconds: 100, now: () => now });
    expect(lr(1)).toBeCloseTo(0.1);
    expect(lr(10)).toBeCloseTo(1);
    expect(lr(60)).toBeCloseTo(0.5); // half the steps, no time elapsed: cos(π/2)
    now = 75; // three quarters of the time budget: time now leads
    expect(lr(60)).toBeCloseTo(0.5 * (1 + Math.cos(0.75 * Math.PI)));
    now = 1000;
    expect(lr(61)).toBe(0);
    expect(lr(1000)).toBe(0);
  });
  it('checks its options', () => {
    expect(() => timeAwareCosine({ peakLr: 0, warmupSteps: 1, totalSteps: 2, maxSeconds: 1 })).toThrow(/'peakLr' must be a number > 0, received 0/);
    expect(() => timeAwareCosine({ peakLr: 1, warmupSteps: 1.5, totalSteps: 2, maxSeconds: 1 })).toThrow(/'warmupSteps' must be an integer >= 0/);
    expect(() => timeAwareCosine({ peakLr: 1, warmupSteps: 1, totalSteps: 2, maxSeconds: 0 })).toThrow(/'maxSeconds' must be a number > 0/);
  });
});
