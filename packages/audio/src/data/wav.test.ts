import * as fs from 'fs';
import * as path from 'path';
import { decodeWav, encodeWav, readWav } from './wav';
import { sine, tmpDir } from './testUtil';

/** Independent encoder: writes the RIFF bytes by hand (no wavefile) so decoding is checked against the spec. */
function handWav(channels: number[][], rate: number, bits: number, float: boolean): Buffer {
  const frames = channels[0].length;
  const C = channels.length;
  const bps = bits / 8;
  const data = Buffer.alloc(frames * C * bps);
  let o = 0;
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < C; c++) {
      const v = channels[c][t];
      if (float && bits === 32) data.writeFloatLE(v, o);
      else if (float) data.writeDoubleLE(v, o);
      else if (bits === 8) data.writeUInt8(Math.round(v * 128) + 128, o);
      else if (bits === 16) data.writeInt16LE(Math.round(v * 32768), o);
      else if (bits === 24) data.writeIntLE(Math.round(v * 8388608), o, 3);
      else data.writeInt32LE(Math.round(v * 2147483648), o);
      o += bps;
    }
  }
  const fmt = Buffer.alloc(24);
  fmt.write('fmt ', 0);
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(float ? 3 : 1, 8);
  fmt.writeUInt16LE(C, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE(rate * C * bps, 16);
  fmt.writeUInt16LE(C * bps, 20);
  fmt.writeUInt16LE(bits, 22);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0);
  head.writeUInt32LE(4 + 24 + 8 + data.length, 4);
  head.write('WAVE', 8);
  const dh = Buffer.alloc(8);
  dh.write('data', 0);
  dh.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, fmt, dh, data]);
}

const CASES: [number, boolean, number][] = [[8, false, 1 / 64], [16, false, 1e-4], [24, false, 1e-6], [32, false, 1e-7], [32, true, 1e-7], [64, true, 1e-7]];

describe('WAV decoding (wavefile)', () => {
  const left = [0, 0.25, -0.5, 0.75, -0.125, 0.5, -0.75, 0.3];
  const right = [0.5, -0.25, 0.25, -0.75, 0.125, 0.1, 0.2, -0.3];
  it.each(CASES)('PCM %i-bit (float %s), stereo mixed to mono', (bits, float, tol) => {
    const a = decodeWav(handWav([left, right], 22050, bits, float), 'x.wav');
    expect(a.sampleRate).toBe(22050);
    expect(a.channels).toBe(2);
    expect(a.samples.length).toBe(8);
    for (let i = 0; i < 8; i++) expect(Math.abs(a.samples[i] - (left[i] + right[i]) / 2)).toBeLessThanOrEqual(tol); // float32 output
  });

  it('mono 16-bit round trip through encodeWav and readWav', () => {
    const dir = tmpDir();
    const x = sine(440, 8000, 800);
    for (const bd of ['8', '16', '24', '32', '32f', '64']) {
      const f = path.join(dir, `t${bd}.wav`);
      fs.writeFileSync(f, encodeWav(x, 8000, bd));
      const a = readWav(f);
      expect(a.bitDepth).toBe(bd);
      const tol = bd === '8' ? 1 / 128 : bd === '16' ? 1 / 32768 : 1e-6;
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(a.samples[i] - x[i]));
      expect(worst).toBeLessThanOrEqual(tol);
    }
    // 4 channels, one per quarter amplitude: the mono mix is their mean
    const chans = [0.1, 0.2, 0.3, 0.4].map((s) => Float32Array.from(x, (v) => v * s));
    const f = path.join(dir, 'quad.wav');
    fs.writeFileSync(f, encodeWav(chans, 8000, '32f'));
    const q = readWav(f);
    expect(q.channels).toBe(4);
    expect(Math.abs(q.samples[10] - x[10] * 0.25)).toBeLessThan(1e-6);
  });

  it('errors name the file: non-WAV, truncated, missing', () => {
    const dir = tmpDir();
    const bad = path.join(dir, 'notes.wav');
    fs.writeFileSync(bad, 'this is plain text, not RIFF');
    expect(() => readWav(bad)).toThrow(bad);
    const full = handWav([left], 8000, 16, false);
    const cut = path.join(dir, 'cut.wav');
    fs.writeFileSync(cut, full.subarray(0, full.length - 5));
    expect(() => readWav(cut)).toThrow(new RegExp(`${cut.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*truncated`));
    const headerOnly = path.join(dir, 'head.wav');
    fs.writeFileSync(headerOnly, full.subarray(0, 20));
    expect(() => readWav(headerOnly)).toThrow(headerOnly);
    expect(() => readWav(path.join(dir, 'missing.wav'))).toThrow('missing.wav');
  });
});
