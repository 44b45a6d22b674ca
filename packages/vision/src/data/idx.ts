import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** An IDX array (the MNIST file format): big-endian header, then the values. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { name: string; size: number }> = {
  0x08: { name: 'unsigned byte', size: 1 }, 0x09: { name: 'signed byte', size: 1 }, 0x0b: { name: 'short', size: 2 },
  0x0c: { name: 'int', size: 4 }, 0x0d: { name: 'float', size: 4 }, 0x0e: { name: 'double', size: 8 },
};

/** Bytes of `file`, gunzipped when they start with the gzip magic (whatever the name says). */
function readMaybeGzip(file: string): Buffer {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`IDX file ${file}: cannot read (${(e as Error).message})`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return zlib.gunzipSync(raw);
    } catch (e) {
      throw new Error(`IDX file ${file}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  return raw;
}

/** Parses an IDX file (gzipped or not); errors name the file and the byte where it goes wrong. */
export function readIdx(file: string): IdxArray {
  const buf = readMaybeGzip(file);
  if (buf.length < 4) throw new Error(`IDX file ${file}: ${buf.length} bytes, too short for the 4-byte magic number`);
  if (buf[0] !== 0 || buf[1] !== 0 || TYPES[buf[2]] == null) {
    throw new Error(`IDX file ${file}: bad magic number at byte 0: expected 00 00 <type 08|09|0B|0C|0D|0E> <ndims>, received ${[...buf.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  const type = TYPES[buf[2]];
  const ndims = buf[3];
  const header = 4 + 4 * ndims;
  if (ndims < 1 || buf.length < header) throw new Error(`IDX file ${file}: header declares ${ndims} dimensions (${header} header bytes) but the file has ${buf.length} bytes`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const need = header + count * type.size;
  if (buf.length < need) {
    throw new Error(`IDX file ${file}: truncated: header declares dims [${dims.join(', ')}] of ${type.name} (${need} bytes in all), but the data ends at byte ${buf.length}`);
  }
  if (buf.length > need) throw new Error(`IDX file ${file}: ${buf.length - need} unexpected trailing bytes after byte ${need} (dims [${dims.join(', ')}])`);
  const body = buf.subarray(header, need);
  let data: IdxArray['data'];
  if (type.size === 1) data = buf[2] === 0x08 ? new Uint8Array(body) : new Int8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
  else {
    const dv = new DataView(body.buffer, body.byteOffset, body.length);
    const n = count;
    if (buf[2] === 0x0b) { data = new Int16Array(n); for (let i = 0; i < n; i++) data[i] = dv.getInt16(2 * i); }
    else if (buf[2] === 0x0c) { data = new Int32Array(n); for (let i = 0; i < n; i++) data[i] = dv.getInt32(4 * i); }
    else if (buf[2] === 0x0d) { data = new Float32Array(n); for (let i = 0; i < n; i++) data[i] = dv.getFloat32(4 * i); }
    else { data = new Float64Array(n); for (let i = 0; i < n; i++) data[i] = dv.getFloat64(8 * i); }
  }
  return { dims, data };
}

export type IdxSplit = 'train' | 't10k';
const PREFIX: Record<IdxSplit, string> = { train: 'train', t10k: 't10k' };

/** The standard file of a split in `dir` (`train-images-idx3-ubyte[.gz]`, also with '.' before idx), or null. */
export function findIdxFile(dir: string, split: IdxSplit, kind: 'images' | 'labels'): string | null {
  const n = kind === 'images' ? 3 : 1;
  for (const sep of ['-', '.']) {
    for (const ext of ['', '.gz']) {
      const f = path.join(dir, `${PREFIX[split]}-${kind}${sep}idx${n}-ubyte${ext}`);
      if (fs.existsSync(f)) return f;
    }
  }
  return null;
}

/** Which splits of a standard IDX folder are complete (images and labels). */
export function detectIdxFolder(dir: string): IdxSplit[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return (['train', 't10k'] as IdxSplit[]).filter((s) => findIdxFile(dir, s, 'images') && findIdxFile(dir, s, 'labels'));
}

/** Images (count, rows, cols) uint8 and labels of one split; counts must agree. */
export function loadIdxImages(imagesFile: string, labelsFile: string): { images: Uint8Array; labels: Int32Array; count: number; height: number; width: number } {
  const im = readIdx(imagesFile);
  const lb = readIdx(labelsFile);
  if (im.dims.length !== 3 || !(im.data instanceof Uint8Array)) throw new Error(`IDX file ${imagesFile}: expected unsigned-byte images (count, rows, cols), received dims [${im.dims.join(', ')}]`);
  if (lb.dims.length !== 1) throw new Error(`IDX file ${labelsFile}: expected labels (count), received dims [${lb.dims.join(', ')}]`);
  if (lb.dims[0] !== im.dims[0]) throw new Error(`IDX files ${imagesFile} and ${labelsFile}: ${im.dims[0]} images but ${lb.dims[0]} labels`);
  return { images: im.data, labels: Int32Array.from(lb.data as ArrayLike<number>), count: im.dims[0], height: im.dims[1], width: im.dims[2] };
}
