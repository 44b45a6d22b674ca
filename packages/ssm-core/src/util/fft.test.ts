import { fftInPlace } from './fft';

/** Independent oracle: the DFT sum, term by term, in float64. */
function dft(re: number[], im: number[], inverse: boolean): [number[], number[]] {
  const n = re.length;
  const s = inverse ? 1 : -1;
  const outR: number[] = [];
  const outI: number[] = [];
  for (let k = 0; k < n; k++) {
    let r = 0;
    let q = 0;
    for (let t = 0; t < n; t++) {
      const a = (s * 2 * Math.PI * k * t) / n;
      r += re[t] * Math.cos(a) - im[t] * Math.sin(a);
      q += re[t] * Math.sin(a) + im[t] * Math.cos(a);
    }
    outR.push(inverse ? r / n : r);
    outI.push(inverse ? q / n : q);
  }
  return [outR, outI];
}

describe('fftInPlace', () => {
  it.each([[64, false], [64, true], [1, false], [12, false], [7, true]])('length %i (inverse %s) agrees with a direct DFT', (n, inverse) => {
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.3) + (i % 5) * 0.1);
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7) - 0.2);
    const [wr, wi] = dft(Array.from(re), Array.from(im), inverse);
    fftInPlace(re, im, inverse);
    for (let k = 0; k < n; k++) {
      expect(Math.abs(re[k] - wr[k])).toBeLessThan(1e-9);
      expect(Math.abs(im[k] - wi[k])).toBeLessThan(1e-9);
    }
  });

  it('inverse undoes forward', () => {
    const re = Float64Array.from({ length: 32 }, (_, i) => i % 3);
    const im = new Float64Array(32);
    const src = re.slice();
    fftInPlace(re, im);
    fftInPlace(re, im, true);
    re.forEach((v, i) => expect(Math.abs(v - src[i])).toBeLessThan(1e-12));
  });

  it('rejects mismatched arrays clearly', () => {
    expect(() => fftInPlace(new Float64Array(4), new Float64Array(3))).toThrow(/'re' and 'im' must be Float64Arrays of the same length, received lengths 4 and 3/);
  });
});
