import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { ArrayImageSource } from './source';

/** Writes uint8 IDX bytes (magic 0x08, dims big-endian), gzipped when the name ends in .gz. */
export function writeIdx(file: string, dims: number[], values: Uint8Array): void {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const bytes = Buffer.concat([head, Buffer.from(values)]);
  fs.writeFileSync(file, file.endsWith('.gz') ? zlib.gzipSync(bytes) : bytes);
}

/** Writes a generated source as a standard IDX folder split (`train` or `t10k`), gzipped. */
export function writeIdxSplit(dir: string, split: 'train' | 't10k', src: ArrayImageSource): void {
  fs.mkdirSync(dir, { recursive: true });
  const b = src.readSync(Array.from({ length: src.size }, (_, i) => i));
  writeIdx(path.join(dir, `${split}-images-idx3-ubyte.gz`), [src.size, src.height, src.width], Uint8Array.from(b.x, (v) => Math.round(v * 255)));
  writeIdx(path.join(dir, `${split}-labels-idx1-ubyte.gz`), [src.size], Uint8Array.from(src.labels));
}
