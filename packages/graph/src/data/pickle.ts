/**
 * A minimal, safe Python pickle reader (protocols 0-2 binary opcodes) for the Planetoid raw files:
 * numpy arrays, scipy.sparse CSR matrices and dict/defaultdict adjacency lists. Nothing is executed:
 * GLOBAL/REDUCE/NEWOBJ only build inert records that `pyToNdarray` / `pyToCsr` interpret.
 * Hand-written because no well-kept npm package reads Python-2 pickles of numpy/scipy objects.
 */
import { GraphDataError } from './textLines';

export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}
/** The result of REDUCE/NEWOBJ: a call record, its BUILD state, and dict items set on it (defaultdict). */
export class PyObject {
  state: unknown = undefined;
  readonly items = new Map<unknown, unknown>();
  constructor(readonly callable: PyGlobal, readonly args: unknown[]) {}
}
/** A Python-2 str / bytes value. */
export class PyBytes {
  constructor(readonly bytes: Uint8Array) {}
  toString(): string {
    return Buffer.from(this.bytes).toString('latin1');
  }
}

const MARK = Symbol('mark');

export function readPickle(buf: Uint8Array, file = '<pickle>'): unknown {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let p = 0;
  const fail = (msg: string): never => {
    throw new GraphDataError(file, undefined, `byte ${p}: ${msg}`);
  };
  const need = (n: number): void => {
    if (p + n > buf.length) fail(`truncated pickle (needs ${n} more bytes, ${buf.length - p} left)`);
  };
  const popMark = (): unknown[] => {
    const k = stack.lastIndexOf(MARK);
    if (k < 0) fail('no MARK on the stack');
    const items = stack.splice(k);
    return items.slice(1);
  };
  const line = (): string => {
    const end = buf.indexOf(10, p);
    if (end < 0) fail('unterminated text line');
    const s = Buffer.from(buf.subarray(p, end)).toString('latin1');
    p = end + 1;
    return s;
  };
  const pop = (): unknown => (stack.length ? stack.pop() : fail('stack underflow'));
  const top = (): unknown => (stack.length ? stack[stack.length - 1] : fail('stack underflow'));
  const setItems = (target: unknown, kv: unknown[]): void => {
    const map = target instanceof Map ? target : target instanceof PyObject ? target.items : fail('SETITEM on a non-dict');
    for (let i = 0; i + 1 < kv.length; i += 2) map.set(kv[i], kv[i + 1]);
  };
  const bytesOf = (n: number): PyBytes => {
    if (n < 0) fail(`negative string length ${n}`);
    need(n);
    const b = new PyBytes(buf.subarray(p, p + n));
    p += n;
    return b;
  };
  for (;;) {
    need(1);
    const op = buf[p++];
    switch (op) {
      case 0x80: need(1); p++; break; // PROTO
      case 0x63: { const mod = line(); stack.push(new PyGlobal(mod, line())); break; } // GLOBAL 'c'
      case 0x71: need(1); memo.set(buf[p++], top()); break; // BINPUT
      case 0x72: need(4); memo.set(dv.getUint32(p, true), top()); p += 4; break; // LONG_BINPUT
      case 0x68: need(1); stack.push(memo.has(buf[p]) ? memo.get(buf[p++]) : fail(`memo ${buf[p]} missing`)); break; // BINGET
      case 0x6a: { need(4); const k = dv.getUint32(p, true); p += 4; stack.push(memo.has(k) ? memo.get(k) : fail(`memo ${k} missing`)); break; }
      case 0x4b: need(1); stack.push(buf[p++]); break; // BININT1
      case 0x4d: need(2); stack.push(dv.getUint16(p, true)); p += 2; break; // BININT2
      case 0x4a: need(4); stack.push(dv.getInt32(p, true)); p += 4; break; // BININT
      case 0x8a: { // LONG1: little-endian two's complement of n bytes
        need(1); const n = buf[p++]; need(n);
        let v = 0;
        for (let i = n - 1; i >= 0; i--) v = v * 256 + buf[p + i];
        if (n > 0 && buf[p + n - 1] >= 0x80) v -= 2 ** (8 * n);
        p += n; stack.push(v); break;
      }
      case 0x47: need(8); stack.push(dv.getFloat64(p, false)); p += 8; break; // BINFLOAT
      case 0x55: need(1); { const n = buf[p++]; stack.push(bytesOf(n)); } break; // SHORT_BINSTRING
      case 0x54: need(4); { const n = dv.getInt32(p, true); p += 4; stack.push(bytesOf(n)); } break; // BINSTRING
      case 0x58: need(4); { const n = dv.getUint32(p, true); p += 4; need(n); stack.push(Buffer.from(buf.subarray(p, p + n)).toString('utf8')); p += n; } break; // BINUNICODE
      case 0x28: stack.push(MARK); break;
      case 0x74: stack.push(popMark()); break; // TUPLE (tuples are JS arrays)
      case 0x29: stack.push([]); break;
      case 0x85: stack.push([pop()]); break;
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; }
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; }
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x61: { const v = pop(); const l = top(); if (!Array.isArray(l)) fail('APPEND to a non-list'); (l as unknown[]).push(v); break; }
      case 0x65: { const vs = popMark(); const l = top(); if (!Array.isArray(l)) fail('APPENDS to a non-list'); (l as unknown[]).push(...vs); break; }
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; }
      case 0x75: { const kv = popMark(); setItems(top(), kv); break; }
      case 0x4e: stack.push(null); break;
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x52: case 0x81: { // REDUCE, NEWOBJ
        const args = pop(); const fn = pop();
        if (!(fn instanceof PyGlobal)) fail(`${op === 0x52 ? 'REDUCE' : 'NEWOBJ'} on a non-global`);
        if (!Array.isArray(args)) fail('call arguments are not a tuple');
        stack.push(new PyObject(fn as PyGlobal, args as unknown[]));
        break;
      }
      case 0x62: { const st = pop(); const o = top(); if (!(o instanceof PyObject)) fail('BUILD on a non-object'); (o as PyObject).state = st; break; }
      case 0x2e: return pop(); // STOP
      default: fail(`unsupported pickle opcode 0x${op.toString(16)}`);
    }
  }
}

export interface NdArray {
  shape: number[];
  dtype: string;
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
}

const DTYPES: Record<string, { size: number; read: (dv: DataView, o: number) => number; make: (n: number) => NdArray['data'] }> = {
  f8: { size: 8, read: (d, o) => d.getFloat64(o, true), make: (n) => new Float64Array(n) },
  f4: { size: 4, read: (d, o) => d.getFloat32(o, true), make: (n) => new Float32Array(n) },
  i8: { size: 8, read: (d, o) => Number(d.getBigInt64(o, true)), make: (n) => new Int32Array(n) },
  i4: { size: 4, read: (d, o) => d.getInt32(o, true), make: (n) => new Int32Array(n) },
  b1: { size: 1, read: (d, o) => d.getUint8(o), make: (n) => new Uint8Array(n) },
  u1: { size: 1, read: (d, o) => d.getUint8(o), make: (n) => new Uint8Array(n) },
};

/** Decodes raw little-endian numpy bytes of a dtype code like 'f8', 'i4', 'b1'. */
export function decodeNumeric(code: string, raw: Uint8Array, count: number, where: string): NdArray['data'] {
  const t = DTYPES[code];
  if (!t) throw new Error(`${where}: unsupported numpy dtype '${code}' (supported: ${Object.keys(DTYPES).join(', ')})`);
  if (raw.length < count * t.size) throw new Error(`${where}: expected ${count * t.size} data bytes for ${count} × ${code}, received ${raw.length}`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = t.make(count);
  for (let i = 0; i < count; i++) out[i] = t.read(dv, i * t.size);
  return out;
}

/** Interprets numpy.core.multiarray._reconstruct + BUILD (version, shape, dtype, fortran, bytes). */
export function pyToNdarray(o: unknown, where: string): NdArray {
  if (!(o instanceof PyObject) || o.callable.name !== '_reconstruct' || !Array.isArray(o.state)) {
    throw new Error(`${where}: expected a pickled numpy ndarray, received ${o instanceof PyObject ? o.callable.qualified : typeof o}`);
  }
  const [, shape, dtype, fortran, raw] = o.state as [unknown, number[], PyObject, boolean, PyBytes];
  if (fortran) throw new Error(`${where}: Fortran-ordered arrays are not supported`);
  const descr = String((dtype.args[0] as PyBytes).toString());
  const endian = Array.isArray(dtype.state) ? String(dtype.state[1]) : '<';
  if (endian === '>') throw new Error(`${where}: big-endian arrays are not supported`);
  const code = descr.replace(/^[<|=]/, '');
  const count = shape.reduce((a, b) => a * b, 1);
  return { shape, dtype: code, data: decodeNumeric(code, raw.bytes, count, where) };
}

/** Interprets a pickled scipy.sparse csr_matrix (state dict with _shape, indptr, indices, data). */
export function pyToCsr(o: unknown, where: string): { shape: number[]; indptr: Int32Array; indices: Int32Array; data: Float64Array | Float32Array | Int32Array | Uint8Array } {
  if (!(o instanceof PyObject) || !(o.state instanceof Map) || !/csr_matrix$/.test(o.callable.name)) {
    throw new Error(`${where}: expected a pickled scipy.sparse csr_matrix, received ${o instanceof PyObject ? o.callable.qualified : typeof o}`);
  }
  const st = o.state;
  const get = (k: string): unknown => {
    for (const [key, v] of st) if (String(key) === k) return v;
    throw new Error(`${where}: csr_matrix state has no '${k}'`);
  };
  const shape = get('_shape') as number[];
  const indptr = Int32Array.from(pyToNdarray(get('indptr'), `${where} indptr`).data);
  const indices = Int32Array.from(pyToNdarray(get('indices'), `${where} indices`).data);
  return { shape, indptr, indices, data: pyToNdarray(get('data'), `${where} data`).data };
}
