import * as fs from 'fs';
import * as path from 'path';
import type { Rng } from '@statespace/ssm-core';
import { augmentImage, fitCenter, normalizeInPlace, type AugmentOptions } from './augment';
import { FileImageSource, scanImageFolder } from './fileSource';
import { detectIdxFolder, findIdxFile, loadIdxImages, type IdxSplit } from './idx';
import { classNamesOf, readManifest } from './manifest';
import { ArrayImageSource, type ImageSource } from './source';

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export interface OpenDatasetOptions {
  /** Which split: 'train' or 'test' (IDX t10k; CSV split column 'test'); CSV also accepts any split name. */
  split?: string;
  /** Decode size for image files (IDX images keep their own size; batches are fitted to the model later). */
  size?: number;
  channels?: 1 | 3;
  skipBad?: boolean;
  classNames?: string[];
}

/**
 * Opens a labelled image dataset from a path, recognizing:
 * - a folder holding the standard IDX names (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
 *   t10k-…), by split;
 * - an IDX images file (its labels file found by the standard name: images→labels, idx3→idx1);
 * - a CSV manifest file,label[,split];
 * - an image folder root/<class>/*.jpg|png|webp|gif|tiff.
 */
export function openDataset(p: string, o: OpenDatasetOptions = {}): ImageSource {
  if (!fs.existsSync(p)) throw new Error(`dataset ${p}: no such file or folder`);
  const split = o.split ?? 'train';
  const size = o.size ?? 32;
  const channels = o.channels ?? 3;
  if (fs.statSync(p).isDirectory()) {
    const splits = detectIdxFolder(p);
    if (splits.length > 0) {
      const want: IdxSplit = split === 'test' || split === 't10k' ? 't10k' : 'train';
      if (!splits.includes(want)) throw new Error(`dataset ${p}: IDX folder has split(s) ${splits.join(', ')} but not '${want}' (${want}-images-idx3-ubyte[.gz] + ${want}-labels-idx1-ubyte[.gz])`);
      return idxSource(findIdxFile(p, want, 'images') as string, findIdxFile(p, want, 'labels') as string, o.classNames);
    }
    const { files, labels, classNames } = scanImageFolder(p);
    return new FileImageSource(`image folder ${p}`, files, labels, classNames, { size, channels, skipBad: o.skipBad });
  }
  if (p.toLowerCase().endsWith('.csv')) {
    let rows = readManifest(p);
    const hasSplit = rows.some((r) => r.split != null);
    if (hasSplit && o.split != null) rows = rows.filter((r) => r.split === o.split);
    if (rows.length === 0) throw new Error(`manifest ${p}: no rows with split '${o.split}'`);
    const classNames = o.classNames ?? classNamesOf(rows.map((r) => r.label));
    const labels = Int32Array.from(rows, (r) => {
      const k = classNames.indexOf(r.label);
      if (k < 0) throw new Error(`manifest ${p} line ${r.line}: label '${r.label}' is not one of the classes ${classNames.join(', ')}`);
      return k;
    });
    return new FileImageSource(`manifest ${p}`, rows.map((r) => r.file), labels, classNames, { size, channels, skipBad: o.skipBad });
  }
  if (/idx3-ubyte(\.gz)?$/.test(p)) {
    const base = path.basename(p).replace('images', 'labels').replace('idx3', 'idx1');
    const cands = [base, base.endsWith('.gz') ? base.slice(0, -3) : `${base}.gz`].map((b) => path.join(path.dirname(p), b));
    const lab = cands.find((f) => fs.existsSync(f));
    if (!lab) throw new Error(`IDX file ${p}: its labels file ${cands[0]} (or ${path.basename(cands[1])}) was not found`);
    return idxSource(p, lab, o.classNames);
  }
  throw new Error(`dataset ${p}: not a recognized dataset (an IDX folder or file, a .csv manifest, or an image folder root/<class>/*)`);
}

function idxSource(images: string, labels: string, names?: string[]): ArrayImageSource {
  const d = loadIdxImages(images, labels);
  let max = 0;
  for (const l of d.labels) max = Math.max(max, l);
  const classNames = names ?? (max === 9 && /fashion/i.test(images) ? FASHION_MNIST_CLASSES : Array.from({ length: max + 1 }, (_, i) => String(i)));
  return new ArrayImageSource(`IDX ${images}`, d.images, d.labels, d.height, d.width, 1, classNames);
}

export interface BatchOptions {
  /** Model input size (H = W) and channels: images are center-padded/cropped and channel-converted to it. */
  size: number;
  channels: number;
  augment?: AugmentOptions | null;
  rng?: Rng;
  mean?: number[];
  std?: number[];
}

/** Reads the items `indices` and makes a model batch: x (n, size, size, channels) float, labels. */
export async function makeBatch(source: ImageSource, indices: ArrayLike<number>, o: BatchOptions): Promise<{ x: Float32Array; labels: Int32Array; count: number; skipped: string[] }> {
  const b = await source.read(indices);
  const { height: h, width: w, channels: c } = source;
  const per = o.size * o.size * o.channels;
  const x = new Float32Array(b.count * per);
  for (let i = 0; i < b.count; i++) {
    let img = b.x.subarray(i * h * w * c, (i + 1) * h * w * c) as Float32Array;
    if (c !== o.channels) img = convert(img, c, o.channels);
    if (o.augment && o.rng) img = augmentImage(img, h, w, o.channels, o.rng, o.augment);
    x.set(fitCenter(img, h, w, o.channels, o.size, o.size), i * per);
  }
  if (o.mean && o.std) normalizeInPlace(x, o.channels, o.mean, o.std);
  return { x, labels: b.labels, count: b.count, skipped: b.skipped };
}

function convert(img: Float32Array, from: number, to: number): Float32Array {
  const n = img.length / from;
  const out = new Float32Array(n * to);
  for (let p = 0; p < n; p++) {
    if (from === 1) out.fill(img[p], p * to, p * to + to);
    else { let s = 0; for (let k = 0; k < from; k++) s += img[p * from + k]; out[p] = s / from; }
  }
  return out;
}
