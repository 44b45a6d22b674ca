import { fftInPlace } from '@statespace/ssm-core';

/** Kaldi `compute-fbank-feats` options (camelCase); defaults are Kaldi's except numMelBins (128, as SSAMBA/AST). */
export interface FbankOptions {
  sampleRate?: number; // default 16000
  frameLengthMs?: number; // 25
  frameShiftMs?: number; // 10
  numMelBins?: number; // 128
  lowFreq?: number; // 20 Hz
  /** Upper edge; <= 0 means Nyquist + highFreq (Kaldi's convention). Default 0. */
  highFreq?: number;
  preemphasis?: number; // 0.97
  windowType?: 'povey' | 'hanning' | 'hamming' | 'rectangular';
  removeDcOffset?: boolean; // true
  /** Gaussian dither amplitude; 0 (off) by default for reproducible features. */
  dither?: number;
  ditherSeed?: number;
  /** Kaldi's snip_edges: only frames that fit entirely (default true). */
  snipEdges?: boolean;
}

export type ResolvedFbank = Required<FbankOptions>;

export const FBANK_DEFAULTS: ResolvedFbank = {
  sampleRate: 16000, frameLengthMs: 25, frameShiftMs: 10, numMelBins: 128, lowFreq: 20, highFreq: 0, preemphasis: 0.97,
  windowType: 'povey', removeDcOffset: true, dither: 0, ditherSeed: 0, snipEdges: true,
};

const FLT_EPSILON = 1.1920928955078125e-7;
export const melScale = (f: number): number => 1127 * Math.log(1 + f / 700);

export function resolveFbank(o: FbankOptions = {}): ResolvedFbank {
  const r = { ...FBANK_DEFAULTS, ...o };
  for (const k of ['sampleRate', 'frameLengthMs', 'frameShiftMs', 'numMelBins'] as const) {
    if (!(typeof r[k] === 'number' && r[k] > 0)) throw new Error(`fbank: option '${k}' must be a positive number, received ${String(r[k])}`);
  }
  const nyq = r.sampleRate / 2;
  const high = r.highFreq > 0 ? r.highFreq : nyq + r.highFreq;
  if (!(r.lowFreq >= 0 && high > r.lowFreq && high <= nyq)) {
    throw new Error(`fbank: need 0 <= lowFreq < highFreq <= Nyquist (${nyq}), received lowFreq=${r.lowFreq}, highFreq=${r.highFreq}`);
  }
  return r;
}

export function frameGeometry(o: ResolvedFbank): { win: number; shift: number; nfft: number } {
  const win = Math.round((o.sampleRate * o.frameLengthMs) / 1000);
  const shift = Math.round((o.sampleRate * o.frameShiftMs) / 1000);
  let nfft = 1;
  while (nfft < win) nfft <<= 1;
  return { win, shift, nfft };
}

export function windowFunction(type: ResolvedFbank['windowType'], n: number): Float64Array {
  const w = new Float64Array(n);
  const a = (2 * Math.PI) / (n - 1);
  for (let i = 0; i < n; i++) {
    const hann = 0.5 - 0.5 * Math.cos(a * i);
    w[i] = type === 'povey' ? Math.pow(hann, 0.85) : type === 'hanning' ? hann : type === 'hamming' ? 0.54 - 0.46 * Math.cos(a * i) : 1;
  }
  return w;
}

/** Kaldi's triangular mel filters over FFT bins 0..nfft/2−1 (Nyquist bin gets no weight): (numMelBins, nfft/2). */
export function melBanks(o: ResolvedFbank, nfft: number): Float64Array[] {
  const nBins = nfft / 2;
  const binHz = o.sampleRate / nfft;
  const high = o.highFreq > 0 ? o.highFreq : o.sampleRate / 2 + o.highFreq;
  const mLow = melScale(o.lowFreq);
  const delta = (melScale(high) - mLow) / (o.numMelBins + 1);
  const banks: Float64Array[] = [];
  for (let b = 0; b < o.numMelBins; b++) {
    const left = mLow + b * delta;
    const center = left + delta;
    const right = center + delta;
    const w = new Float64Array(nBins);
    for (let i = 0; i < nBins; i++) {
      const m = melScale(i * binHz);
      if (m > left && m < right) w[i] = m <= center ? (m - left) / (center - left) : (right - m) / (right - center);
    }
    banks.push(w);
  }
  return banks;
}

/** Number of frames Kaldi produces for `n` samples. */
export function numFrames(n: number, o: ResolvedFbank): number {
  const { win, shift } = frameGeometry(o);
  if (o.snipEdges) return n < win ? 0 : 1 + Math.floor((n - win) / shift);
  return Math.floor((n + shift / 2) / shift);
}

/** Gaussian from a small seeded generator (dither only). */
function gaussianSource(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const u = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/**
 * Kaldi-style log-mel filterbank (as `compute-fbank-feats` / torchaudio.compliance.kaldi.fbank):
 * frame → [dither] → remove DC → pre-emphasis (x[i] −= k·x[i−1], x[0] −= k·x[0]) → window →
 * zero-pad to a power of two → power spectrum → mel filters → log(max(·, FLT_EPSILON)).
 * Input samples at `sampleRate`; output (frames, numMelBins) row-major. Samples are used as given
 * (torchaudio's float scale; Kaldi's int16 scale only adds 2·ln 32768 to every value).
 */
export function fbank(samples: Float32Array, opts: FbankOptions = {}): { data: Float32Array; frames: number; bins: number } {
  const o = resolveFbank(opts);
  const { win, shift, nfft } = frameGeometry(o);
  const T = numFrames(samples.length, o);
  const banks = melBanks(o, nfft);
  const wfn = windowFunction(o.windowType, win);
  const out = new Float32Array(T * o.numMelBins);
  const re = new Float64Array(nfft);
  const im = new Float64Array(nfft);
  const power = new Float64Array(nfft / 2);
  const gauss = o.dither > 0 ? gaussianSource(o.ditherSeed) : null;
  // Kaldi (snip_edges=false) centres frames and reflects the signal at the edges.
  const offset = o.snipEdges ? 0 : Math.floor(shift / 2) - Math.floor(win / 2);
  const at = (i: number): number => {
    const n = samples.length;
    let j = i;
    while (j < 0 || j >= n) j = j < 0 ? -j - 1 : 2 * n - 1 - j;
    return samples[j];
  };
  // First/last nonzero bin per filter to skip zeros in the dot product.
  const spans = banks.map((w) => {
    let a = 0;
    while (a < w.length && w[a] === 0) a++;
    let b = w.length - 1;
    while (b >= a && w[b] === 0) b--;
    return [a, b];
  });
  for (let t = 0; t < T; t++) {
    re.fill(0);
    im.fill(0);
    const start = t * shift + offset;
    let mean = 0;
    for (let i = 0; i < win; i++) {
      re[i] = at(start + i) + (gauss ? o.dither * gauss() : 0);
      mean += re[i];
    }
    if (o.removeDcOffset) {
      mean /= win;
      for (let i = 0; i < win; i++) re[i] -= mean;
    }
    if (o.preemphasis !== 0) {
      for (let i = win - 1; i > 0; i--) re[i] -= o.preemphasis * re[i - 1];
      re[0] -= o.preemphasis * re[0];
    }
    for (let i = 0; i < win; i++) re[i] *= wfn[i];
    fftInPlace(re, im);
    for (let k = 0; k < nfft / 2; k++) power[k] = re[k] * re[k] + im[k] * im[k];
    for (let b = 0; b < o.numMelBins; b++) {
      const w = banks[b];
      let e = 0;
      for (let k = spans[b][0]; k <= spans[b][1]; k++) e += w[k] * power[k];
      out[t * o.numMelBins + b] = Math.log(Math.max(e, FLT_EPSILON));
    }
  }
  return { data: out, frames: T, bins: o.numMelBins };
}
