import * as fs from 'fs';
import { WaveFile } from 'wavefile';

/** Decoded audio: mono float samples in [-1, 1] at `sampleRate`. */
export interface Audio {
  sampleRate: number;
  samples: Float32Array;
  /** Channels in the file before the mix to mono. */
  channels: number;
  /** wavefile's bit depth string: '8', '16', '24', '32', '32f' or '64'. */
  bitDepth: string;
}

/** Full-scale divisor per integer PCM depth (8-bit PCM is unsigned, centred on 128). */
const INT_SCALE: Record<string, { scale: number; offset: number }> = {
  '8': { scale: 128, offset: 128 },
  '16': { scale: 32768, offset: 0 },
  '24': { scale: 8388608, offset: 0 },
  '32': { scale: 2147483648, offset: 0 },
};
const FLOAT_DEPTHS = new Set(['32f', '64']);

/**
 * Decodes a WAV byte buffer with wavefile (RIFF/RIFX/RF64 parsing) into mono float samples.
 * Integer PCM is scaled by full scale (v / 2^(bits−1), 8-bit unsigned around 128) rather than
 * wavefile's toBitDepth, which is slow and maps the two half-ranges asymmetrically. Channels are
 * averaged. `name` is used in errors (the file path).
 */
export function decodeWav(bytes: Uint8Array, name = '<buffer>'): Audio {
  let wav: WaveFile;
  try {
    wav = new WaveFile(bytes);
  } catch (e) {
    throw new Error(`readWav: ${name} is not a readable WAV file (${(e as Error).message}); expected RIFF/WAVE PCM or IEEE float, ${bytes.length} bytes read`);
  }
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; audioFormat: number; blockAlign: number };
  const bitDepth = String(wav.bitDepth);
  const data = wav.data as { chunkSize: number; samples: Uint8Array };
  if (!(bitDepth in INT_SCALE) && !FLOAT_DEPTHS.has(bitDepth)) {
    throw new Error(`readWav: ${name} has unsupported encoding (audio format ${fmt.audioFormat}, ${bitDepth} bits); expected PCM 8/16/24/32-bit or float 32/64`);
  }
  if (!(fmt.numChannels >= 1) || !(fmt.sampleRate > 0)) {
    throw new Error(`readWav: ${name} has an invalid fmt chunk: ${fmt.numChannels} channels at ${fmt.sampleRate} Hz`);
  }
  if (data.samples.length < data.chunkSize) {
    throw new Error(`readWav: ${name} is truncated: the data chunk declares ${data.chunkSize} bytes but only ${data.samples.length} are present`);
  }
  if (data.samples.length % fmt.blockAlign !== 0) {
    throw new Error(`readWav: ${name} is truncated: ${data.samples.length} data bytes is not a whole number of ${fmt.blockAlign}-byte frames`);
  }
  const raw = wav.getSamples(true, Float64Array) as unknown as Float64Array; // interleaved
  const C = fmt.numChannels;
  const frames = Math.floor(raw.length / C);
  const out = new Float32Array(frames);
  const { scale, offset } = INT_SCALE[bitDepth] ?? { scale: 1, offset: 0 };
  for (let t = 0; t < frames; t++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += raw[t * C + c];
    out[t] = (s / C - offset) / scale;
  }
  for (let t = 0; t < frames; t++) {
    if (!Number.isFinite(out[t])) throw new Error(`readWav: ${name} has a non-finite sample at frame ${t}`);
  }
  return { sampleRate: fmt.sampleRate, samples: out, channels: C, bitDepth };
}

/** Reads and decodes a WAV file; every error names the file. */
export function readWav(file: string): Audio {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`readWav: cannot read ${file}: ${(e as Error).message}`);
  }
  return decodeWav(bytes, file);
}

/** Encodes mono or multi-channel float samples ([-1, 1]) as a WAV buffer; used by tests and the sample generator. */
export function encodeWav(channels: Float32Array[] | Float32Array, sampleRate: number, bitDepth = '16'): Uint8Array {
  const chans = Array.isArray(channels) ? channels : [channels];
  const enc = INT_SCALE[bitDepth];
  if (enc == null && !FLOAT_DEPTHS.has(bitDepth)) throw new Error(`encodeWav: bitDepth must be 8, 16, 24, 32, 32f or 64, received ${bitDepth}`);
  const data = chans.map((ch) => Array.from(ch, (v) => {
    if (enc == null) return v;
    const q = Math.round(v * enc.scale) + enc.offset;
    return Math.max(enc.offset - enc.scale, Math.min(enc.offset + enc.scale - 1, q));
  }));
  const w = new WaveFile();
  w.fromScratch(chans.length, sampleRate, bitDepth, chans.length === 1 ? data[0] : data);
  return w.toBuffer();
}
