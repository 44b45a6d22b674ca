import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fbank, numFrames, resolveFbank } from './fbank';
import { sine, tmpDir } from './testUtil';

/** A noisy chirp-like test signal (deterministic). */
function signal(n: number, rate: number): Float32Array {
  let s = 12345;
  const noise = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.02;
  return Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * (200 + i * 0.05) * i) / rate) + 0.2 * Math.sin((2 * Math.PI * 1234 * i) / rate) + noise());
}

/**
 * Frame t computed from the definitions, step by step, with a direct O(n²) DFT and the mel
 * triangles evaluated from Kaldi's formula — no shared code with fbank.ts.
 */
function handFrame(x: Float32Array, t: number, rate: number, bins: number): number[] {
  const win = Math.round(rate * 0.025);
  const shift = Math.round(rate * 0.01);
  const nfft = 2 ** Math.ceil(Math.log2(win));
  const frame = Array.from({ length: win }, (_, i) => x[t * shift + i]);
  const mean = frame.reduce((a, b) => a + b, 0) / win;
  const dc = frame.map((v) => v - mean);
  const pre = dc.map((v, i) => v - 0.97 * (i === 0 ? dc[0] : dc[i - 1]));
  const w = pre.map((v, i) => v * Math.pow(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (win - 1)), 0.85));
  const mel = (f: number): number => 1127 * Math.log(1 + f / 700);
  const lo = mel(20);
  const hi = mel(rate / 2);
  const d = (hi - lo) / (bins + 1);
  const out: number[] = [];
  const power: number[] = [];
  for (let k = 0; k < nfft / 2; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < win; i++) {
      re += w[i] * Math.cos((2 * Math.PI * k * i) / nfft);
      im -= w[i] * Math.sin((2 * Math.PI * k * i) / nfft);
    }
    power.push(re * re + im * im);
  }
  for (let b = 0; b < bins; b++) {
    let e = 0;
    for (let k = 0; k < nfft / 2; k++) {
      const m = mel((k * rate) / nfft);
      const l = lo + b * d;
      const c = l + d;
      const r = c + d;
      const tri = m > l && m < r ? (m <= c ? (m - l) / d : (r - m) / d) : 0;
      e += tri * power[k];
    }
    out.push(Math.log(Math.max(e, 1.1920928955078125e-7)));
  }
  return out;
}

/** numpy implementation of Kaldi's fbank (vectorised, written separately), run in python3 if present. */
const NUMPY_FBANK = `
import sys, numpy as np
x = np.fromfile(sys.argv[1], dtype=np.float32).astype(np.float64)
sr, nb = int(sys.argv[2]), int(sys.argv[3])
W, S = int(sr*0.025), int(sr*0.010)
N = 1 << int(np.ceil(np.log2(W)))
T = 1 + (len(x) - W) // S
idx = np.arange(W)[None, :] + S*np.arange(T)[:, None]
fr = x[idx]
fr = fr - fr.mean(axis=1, keepdims=True)
fr = np.concatenate([fr[:, :1]*(1-0.97), fr[:, 1:] - 0.97*fr[:, :-1]], axis=1)
fr = fr * (0.5 - 0.5*np.cos(2*np.pi*np.arange(W)/(W-1)))**0.85
P = np.abs(np.fft.rfft(fr, n=N))**2
mel = lambda f: 1127*np.log(1 + f/700.)
m = mel(np.arange(N//2) * sr / N)
edges = np.linspace(mel(20.), mel(sr/2.), nb + 2)
l, c, r = edges[:-2, None], edges[1:-1, None], edges[2:, None]
up, down = (m - l)/(c - l), (r - m)/(r - c)
fb = np.where((m > l) & (m < r), np.where(m <= c, up, down), 0.)
E = P[:, :N//2] @ fb.T
np.log(np.maximum(E, np.finfo(np.float32).eps)).astype(np.float32).tofile(sys.argv[4])
`;

describe('Kaldi fbank', () => {
  it('matches a frame computed by hand from the definitions (DFT, povey, pre-emphasis, mel)', () => {
    for (const [rate, bins] of [[8000, 23], [16000, 40]]) {
      const x = signal(rate / 4, rate);
      const f = fbank(x, { sampleRate: rate, numMelBins: bins });
      for (const t of [0, 7, f.frames - 1]) {
        const want = handFrame(x, t, rate, bins);
        for (let b = 0; b < bins; b++) expect(Math.abs(f.data[t * bins + b] - want[b])).toBeLessThan(2e-3);
      }
    }
  });

  it('defaults: 25 ms / 10 ms, 128 bins, dither off (deterministic), snip-edges frame count', () => {
    const x = signal(16000, 16000);
    const a = fbank(x);
    const b = fbank(x);
    expect(a.bins).toBe(128);
    expect(a.frames).toBe(1 + Math.floor((16000 - 400) / 160));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const d = fbank(x, { dither: 1e-3, ditherSeed: 3 });
    expect(Array.from(d.data)).not.toEqual(Array.from(a.data));
    expect(numFrames(399, resolveFbank())).toBe(0);
    expect(() => fbank(x, { numMelBins: 0 })).toThrow(/numMelBins.*positive.*0/);
    expect(() => fbank(x, { lowFreq: 9000 })).toThrow(/lowFreq/);
  });

  it('puts a pure tone\'s energy in the mel bin that covers its frequency', () => {
    const f = fbank(sine(1000, 16000, 4000), { numMelBins: 40 });
    const row = Array.from(f.data.subarray(5 * 40, 6 * 40));
    const peak = row.indexOf(Math.max(...row));
    const mel = (h: number): number => 1127 * Math.log(1 + h / 700);
    const d = (mel(8000) - mel(20)) / 41;
    const centre = (b: number): number => mel(20) + (b + 1) * d;
    expect(Math.abs(centre(peak) - mel(1000))).toBeLessThanOrEqual(d);
  });

  const py = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  const havePy = py.status === 0;
  if (!havePy) console.log('skipping the numpy fbank comparison: python3 with numpy is not available');
  (havePy ? it : it.skip)('matches an independent numpy implementation on every frame (16 kHz, 128 bins)', () => {
    const dir = tmpDir();
    const x = signal(12000, 16000);
    const inF = path.join(dir, 'x.f32');
    const outF = path.join(dir, 'y.f32');
    fs.writeFileSync(inF, Buffer.from(x.buffer));
    const r = spawnSync('python3', ['-c', NUMPY_FBANK, inF, '16000', '128', outF], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const buf = fs.readFileSync(outF);
    const want = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    const got = fbank(x);
    expect(want.length).toBe(got.data.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got.data[i]));
    expect(worst).toBeLessThan(2e-3);
  });
});
