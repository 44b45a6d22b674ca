import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encodeWav } from './wav';

export function tmpDir(prefix = 'statespace-audio-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A sine of `hz` at `rate` for `n` samples, amplitude `amp`. */
export function sine(hz: number, rate: number, n: number, amp = 0.5, phase = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate + phase));
}

/** Writes a tiny WAV (a sine per label so classes differ) and returns its path. */
export function writeTone(file: string, hz: number, rate = 8000, n = 2400, bitDepth = '16'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodeWav(sine(hz, rate, n), rate, bitDepth));
  return file;
}

export const DATA_ROOT = process.env.STATESPACE_DATA ?? path.resolve(__dirname, '../../../../../shared/datasets');
