import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import type { ImageBatch, ImageSource } from './source';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff'];

export interface FileSourceOptions {
  /** Decoded images are resized (cover) and center-cropped to size × size. */
  size: number;
  /** 1 (greyscale) or 3 (RGB). */
  channels: 1 | 3;
  /** Skip (and count) images that fail to decode instead of throwing. */
  skipBad?: boolean;
  /** Images decoded at once (sharp works on libuv threads). */
  concurrency?: number;
}

/** Decodes one image file to uint8 (size, size, channels) through sharp; errors name the file. */
export async function decodeImage(file: string, size: number, channels: 1 | 3): Promise<Uint8Array> {
  try {
    let img = sharp(file, { failOn: 'error', animated: false }).resize(size, size, { fit: 'cover', position: 'centre' });
    img = channels === 1 ? img.greyscale() : img.removeAlpha().toColourspace('srgb');
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) {
      // greyscale inputs decoded for RGB (or the reverse) come back with another channel count
      return convertChannels(new Uint8Array(data), info.channels, channels, size * size);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (e) {
    throw new Error(`image ${file}: corrupt or unsupported image (${(e as Error).message.split('\n')[0]})`);
  }
}

function convertChannels(data: Uint8Array, from: number, to: number, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * to);
  for (let p = 0; p < pixels; p++) {
    if (to === 3) out.fill(data[p * from], p * 3, p * 3 + 3);
    else out[p] = Math.round((data[p * from] + data[p * from + 1] + data[p * from + 2]) / 3);
  }
  return out;
}

/**
 * Labelled image files decoded on demand: nothing but the file list is held in memory, each
 * read() decodes just the requested items. With skipBad, undecodable files are dropped from the
 * batch and remembered (`bad`), otherwise the error names the file.
 */
export class FileImageSource implements ImageSource {
  readonly bad = new Set<string>();
  readonly height: number;
  readonly width: number;
  readonly channels: number;

  constructor(
    readonly description: string,
    readonly files: string[],
    readonly labels: Int32Array,
    readonly classNames: string[],
    private readonly opts: FileSourceOptions,
  ) {
    if (files.length !== labels.length) throw new Error(`${description}: ${files.length} files but ${labels.length} labels`);
    if (!Number.isInteger(opts.size) || opts.size < 1) throw new Error(`${description}: image size must be an integer >= 1, received ${opts.size}`);
    this.height = this.width = opts.size;
    this.channels = opts.channels;
  }

  get size(): number {
    return this.files.length;
  }

  async read(indices: ArrayLike<number>): Promise<ImageBatch> {
    const per = this.height * this.width * this.channels;
    const n = indices.length;
    const decoded: (Uint8Array | null)[] = new Array(n).fill(null);
    const skipped: string[] = [];
    const conc = this.opts.concurrency ?? 4;
    for (let start = 0; start < n; start += conc) {
      await Promise.all(Array.from({ length: Math.min(conc, n - start) }, async (_, o) => {
        const i = start + o;
        const file = this.files[indices[i]];
        if (file == null) throw new Error(`${this.description}: index ${indices[i]} out of range [0, ${this.size})`);
        if (this.bad.has(file)) { skipped.push(file); return; }
        try {
          decoded[i] = await decodeImage(file, this.opts.size, this.opts.channels);
        } catch (e) {
          if (!this.opts.skipBad) throw e;
          this.bad.add(file);
          skipped.push(file);
        }
      }));
    }
    const kept = decoded.map((d, i) => (d ? i : -1)).filter((i) => i >= 0);
    const x = new Float32Array(kept.length * per);
    const labels = new Int32Array(kept.length);
    kept.forEach((i, j) => {
      const d = decoded[i] as Uint8Array;
      for (let p = 0; p < per; p++) x[j * per + p] = d[p] / 255;
      labels[j] = this.labels[indices[i]];
    });
    return { x, labels, count: kept.length, skipped };
  }
}

/** root/<class>/<image>: classes are the sub-folder names in sorted order. */
export function scanImageFolder(root: string): { files: string[]; labels: Int32Array; classNames: string[] } {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`image folder ${root}: not a directory`);
  const classNames = fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  if (classNames.length === 0) throw new Error(`image folder ${root}: expected one sub-folder per class (root/<class>/*.jpg|png|webp|gif|tiff), found none`);
  const files: string[] = [];
  const labels: number[] = [];
  classNames.forEach((c, k) => {
    for (const f of fs.readdirSync(path.join(root, c)).sort()) {
      if (IMAGE_EXTENSIONS.includes(path.extname(f).toLowerCase())) {
        files.push(path.join(root, c, f));
        labels.push(k);
      }
    }
  });
  if (files.length === 0) throw new Error(`image folder ${root}: no images with extensions ${IMAGE_EXTENSIONS.join(', ')} in its class folders`);
  return { files, labels: Int32Array.from(labels), classNames };
}
