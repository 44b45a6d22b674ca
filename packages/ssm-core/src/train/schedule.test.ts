import { warmupCosine } from './schedule';

describe('warmupCosine', () => {
  const s = warmupCosine({ peakLr: 1e-3, warmupSteps: 100, totalSteps: 1100, minLr: 1e-5 });
  const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-12);

  it('warms up linearly from 0, then follows a cosine to minLr, then stays there', () => {
    near(s(0), 0);
    near(s(50), 0.5e-3);
    near(s(100), 1e-3); // peak at the end of warmup
    near(s(600), (1e-3 + 1e-5) / 2); // half-way through the decay: cos(π/2) = 0
    near(s(350), 1e-5 + (1e-3 - 1e-5) * (1 + Math.SQRT1_2) / 2); // a quarter: cos(π/4)
    near(s(1100), 1e-5);
    near(s(5000), 1e-5);
    for (let t = 101; t <= 1100; t += 37) expect(s(t)).toBeLessThanOrEqual(s(t - 1)); // monotone decay
  });

  it('supports no warmup and a default minLr of 0', () => {
    const c = warmupCosine({ peakLr: 2, warmupSteps: 0, totalSteps: 4 });
    near(c(0), 2);
    near(c(2), 1);
    near(c(4), 0);
  });

  it('validates its options and steps with clear errors', () => {
    expect(() => warmupCosine({ peakLr: 0, warmupSteps: 1, totalSteps: 2 })).toThrow(/option 'peakLr' must be a finite number > 0, received 0/);
    expect(() => warmupCosine({ peakLr: 1, warmupSteps: 1.5, totalSteps: 2 })).toThrow(/option 'warmupSteps' must be an integer >= 0, received 1.5/);
    expect(() => warmupCosine({ peakLr: 1, warmupSteps: 10, totalSteps: 10 })).toThrow(/option 'totalSteps' must be an integer > warmupSteps \(10\), received 10/);
    expect(() => warmupCosine({ peakLr: 1, warmupSteps: 1, totalSteps: 5, minLr: 2 })).toThrow(/option 'minLr' must be a finite number in \[0, peakLr=1\], received 2/);
    expect(() => s(-1)).toThrow(/step must be a finite number >= 0, received -1/);
    expect(() => s(NaN)).toThrow(/received NaN/);
  });
});
