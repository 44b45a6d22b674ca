/**
 * A small .npy reader (format versions 1-3, C order, little-endian numeric dtypes) and .npz (zip of .npy)
 * via fflate. Hand-written because no well-kept npm package parses .npy headers; fflate does the unzip.
 */
import * as fs from 'fs';
import { unzipSync } from 'fflate';
import { decodeNumeric, type NdArray } from './pickle';
import { GraphDataError } from './textLines';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Reorders column-major (Fortran) data into row-major order. */
function fortranToC<T extends NdArray['data']>(data: T, shape: number[]): T {
  const out = data.slice() as T;
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let k = rank - 1; k >= 0; k--) f = f * shape[k] + idx[k];
    out[c] = data[f];
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

export function parseNpy(bytes: Uint8Array, file: string): NdArray {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new GraphDataError(file, undefined, `byte ${i}: expected the .npy magic '\\x93NUMPY', received byte 0x${(bytes[i] ?? 0).toString(16)}`);
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new GraphDataError(file, undefined, `byte 6: unsupported .npy version ${major}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) throw new GraphDataError(file, undefined, `byte ${start}: header of ${headerLen} bytes runs past the end (${bytes.length} bytes)`);
  const header = Buffer.from(bytes.subarray(start, start + headerLen)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr == null || fortran == null || shapeText == null) throw new GraphDataError(file, undefined, `byte ${start}: malformed .npy header '${header.trim()}'`);
  if (descr.startsWith('>')) throw new GraphDataError(file, undefined, `big-endian dtype '${descr}' is not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const code = descr.replace(/^[<|=]/, '');
  try {
    const data = decodeNumeric(code, bytes.subarray(start + headerLen), count, file);
    return { shape, dtype: code, data: fortran === 'True' ? fortranToC(data, shape) : data };
  } catch (e) {
    throw new GraphDataError(file, undefined, `byte ${start + headerLen}: ${(e as Error).message}`);
  }
}

/** Reads every array of an .npz file, keyed by name without the .npy suffix. */
export function readNpz(file: string): Record<string, NdArray> {
  if (!fs.existsSync(file)) throw new GraphDataError(file, undefined, 'file not found');
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(fs.readFileSync(file)));
  } catch (e) {
    throw new GraphDataError(file, undefined, `not a readable zip (.npz): ${(e as Error).message}`);
  }
  const out: Record<string, NdArray> = {};
  for (const [name, bytes] of Object.entries(entries)) out[name.replace(/\.npy$/, '')] = parseNpy(bytes, `${file}:${name}`);
  return out;
}

export function requireArray(arrays: Record<string, NdArray>, key: string, file: string, rank?: number): NdArray {
  const a = arrays[key];
  if (!a) throw new GraphDataError(file, undefined, `expected an array '${key}', found ${Object.keys(arrays).join(', ') || 'none'}`);
  if (rank != null && a.shape.length !== rank) throw new GraphDataError(file, undefined, `'${key}' should have rank ${rank}, received shape [${a.shape}]`);
  return a;
}
