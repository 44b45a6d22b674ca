/**
 * Band-limited resampling with a Kaiser-windowed sinc, evaluated polyphase: for a rational ratio
 * inRate/outRate = p/q (reduced) there are only q distinct fractional offsets, so each phase's
 * filter is computed once and reused. Written by hand because no installed package resamples
 * (the usual JS ones are linear or cubic interpolators, which alias).
 */
export interface ResampleOptions {
  /** Zero crossings of the sinc kept on each side (filter half-width, in output-Nyquist periods). Default 16. */
  zeros?: number;
  /** Cutoff as a fraction of the lower Nyquist frequency (default 0.945, as resampy's kaiser_best). */
  rolloff?: number;
  /** Kaiser β (default 8.6: ≈ −80 dB stopband). */
  beta?: number;
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function checkRate(name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`resample: argument '${name}' must be a positive integer sample rate, received ${String(v)}`);
}

/** Resamples `x` from `inRate` to `outRate` Hz; output length ceil(len · outRate / inRate). */
export function resample(x: Float32Array, inRate: number, outRate: number, o: ResampleOptions = {}): Float32Array {
  checkRate('inRate', inRate);
  checkRate('outRate', outRate);
  if (inRate === outRate) return Float32Array.from(x);
  const zeros = o.zeros ?? 16;
  const rolloff = o.rolloff ?? 0.945;
  const beta = o.beta ?? 8.6;
  const g = gcd(inRate, outRate);
  const p = inRate / g; // input step per q outputs
  const q = outRate / g;
  // Cutoff in cycles per input sample: the lower of the two Nyquist frequencies, times rolloff.
  const fc = (0.5 * rolloff * Math.min(inRate, outRate)) / inRate;
  const half = Math.ceil(zeros / (2 * fc)); // taps each side, in input samples
  const i0b = besselI0(beta);
  const nOut = Math.ceil((x.length * q) / p);
  const out = new Float32Array(nOut);
  const taps = 2 * half + 1;
  const cache = new Map<number, Float64Array>();
  const filterFor = (phase: number): Float64Array => {
    let f = cache.get(phase);
    if (f) return f;
    f = new Float64Array(taps);
    const frac = phase / q; // output time minus floor, in input samples
    for (let k = 0; k < taps; k++) {
      const d = k - half - frac; // tap position relative to the output instant
      const r = d / (half + 1);
      const w = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0b;
      const arg = 2 * fc * d;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      f[k] = 2 * fc * sinc * w;
    }
    cache.set(phase, f);
    return f;
  };
  for (let j = 0; j < nOut; j++) {
    const num = j * p; // output j sits at input time num / q
    const base = Math.floor(num / q);
    const f = filterFor(num - base * q);
    let s = 0;
    const start = base - half;
    for (let k = 0; k < taps; k++) {
      const idx = start + k;
      if (idx >= 0 && idx < x.length) s += f[k] * x[idx];
    }
    out[j] = s;
  }
  return out;
}
