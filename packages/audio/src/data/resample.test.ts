import { resample } from './resample';
import { sine } from './testUtil';

/** Largest deviation from the analytic sine at the output rate, away from the edges (filter warm-up). */
function worstError(y: Float32Array, hz: number, rate: number, amp: number, edge: number): number {
  let w = 0;
  for (let i = edge; i < y.length - edge; i++) w = Math.max(w, Math.abs(y[i] - amp * Math.sin((2 * Math.PI * hz * i) / rate)));
  return w;
}

function rms(y: Float32Array, edge: number): number {
  let s = 0;
  for (let i = edge; i < y.length - edge; i++) s += y[i] * y[i];
  return Math.sqrt(s / (y.length - 2 * edge));
}

describe('resample (Kaiser-windowed sinc, polyphase)', () => {
  it.each([
    [8000, 16000, 440],
    [8000, 16000, 3300],
    [16000, 8000, 1000],
    [44100, 16000, 2500],
    [16000, 22050, 5000],
    [48000, 8000, 300],
  ])('%i Hz → %i Hz keeps a %i Hz sine (analytic values at the new rate)', (inR, outR, hz) => {
    const x = sine(hz, inR, inR / 2, 0.5);
    const y = resample(x, inR, outR);
    expect(y.length).toBe(Math.ceil((x.length * outR) / inR));
    expect(worstError(y, hz, outR, 0.5, Math.ceil(outR / 100))).toBeLessThan(5e-3);
  });

  it('removes content above the new Nyquist (no aliasing)', () => {
    // 6 kHz at 16 kHz would alias to 2 kHz at 8 kHz; the low-pass must remove it.
    const y = resample(sine(6000, 16000, 8000, 0.5), 16000, 8000);
    expect(rms(y, 100)).toBeLessThan(1e-3);
    const y2 = resample(sine(7000, 44100, 22050, 0.5), 44100, 11025);
    expect(rms(y2, 200)).toBeLessThan(1e-3);
  });

  it('identity and bad rates', () => {
    const x = sine(100, 8000, 50);
    expect(Array.from(resample(x, 8000, 8000))).toEqual(Array.from(x));
    expect(() => resample(x, 0, 8000)).toThrow(/inRate.*positive integer.*0/);
    expect(() => resample(x, 8000, 1.5)).toThrow(/outRate/);
  });
});
