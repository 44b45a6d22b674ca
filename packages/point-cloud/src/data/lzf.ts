import { byteError } from './types';

/**
 * LZF decompression (liblzf format, used by PCD's binary_compressed). Hand-written: the format is ~20 lines and
 * the npm LZF packages are unmaintained. Control byte c < 32: c+1 literal bytes follow; else a back reference of
 * length (c >> 5) + 2 (7 → one more length byte added) at distance ((c & 31) << 8 | next) + 1.
 */
export function lzfDecompress(file: string, src: Uint8Array, srcOffset: number, outLen: number): Uint8Array {
  const out = new Uint8Array(outLen);
  let ip = 0, op = 0;
  const at = (i: number) => srcOffset + i;
  while (ip < src.length) {
    const c = src[ip++];
    if (c < 32) {
      const n = c + 1;
      if (op + n > outLen) throw byteError(file, at(ip - 1), `LZF literal run of ${n} bytes overflows the declared size ${outLen}`);
      if (ip + n > src.length) throw byteError(file, at(ip - 1), `LZF literal run of ${n} bytes runs past the compressed data`);
      out.set(src.subarray(ip, ip + n), op);
      ip += n; op += n;
    } else {
      let len = c >> 5;
      if (len === 7) {
        if (ip >= src.length) throw byteError(file, at(ip), 'LZF data ends inside a back reference');
        len += src[ip++];
      }
      if (ip >= src.length) throw byteError(file, at(ip), 'LZF data ends inside a back reference');
      const ref = op - ((c & 31) << 8) - 1 - src[ip++];
      len += 2;
      if (ref < 0) throw byteError(file, at(ip - 2), `LZF back reference points ${op - ref} bytes back, before the start of the output`);
      if (op + len > outLen) throw byteError(file, at(ip - 2), `LZF back reference overflows the declared size ${outLen}`);
      for (let k = 0; k < len; k++) out[op++] = out[ref + k];
    }
  }
  if (op !== outLen) throw byteError(file, at(ip), `LZF data decompressed to ${op} bytes, the header declared ${outLen}`);
  return out;
}

/** A valid LZF stream made of literal runs only (for writing binary_compressed PCD files; no compression). */
export function lzfStore(data: Uint8Array): Uint8Array {
  const chunks: number[] = [];
  for (let i = 0; i < data.length; i += 32) {
    const n = Math.min(32, data.length - i);
    chunks.push(n - 1, ...data.subarray(i, i + n));
  }
  return Uint8Array.from(chunks);
}
