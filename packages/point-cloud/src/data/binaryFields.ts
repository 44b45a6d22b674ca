import { byteError } from './types';

/** Binary scalar types of PCD (TYPE+SIZE) and PLY (property types), as a DataView reader. */
export interface ScalarType { size: number; read: (v: DataView, off: number, le: boolean) => number }

export const SCALARS: Record<string, ScalarType> = {
  int8: { size: 1, read: (v, o) => v.getInt8(o) },
  uint8: { size: 1, read: (v, o) => v.getUint8(o) },
  int16: { size: 2, read: (v, o, le) => v.getInt16(o, le) },
  uint16: { size: 2, read: (v, o, le) => v.getUint16(o, le) },
  int32: { size: 4, read: (v, o, le) => v.getInt32(o, le) },
  uint32: { size: 4, read: (v, o, le) => v.getUint32(o, le) },
  float32: { size: 4, read: (v, o, le) => v.getFloat32(o, le) },
  float64: { size: 8, read: (v, o, le) => v.getFloat64(o, le) },
};

/** Checks that `need` bytes from `off` exist in a buffer of `len` bytes. */
export function needBytes(file: string, off: number, need: number, len: number, what: string): void {
  if (off + need > len) throw byteError(file, off, `file ends early: ${what} needs ${need} bytes, only ${Math.max(0, len - off)} left`);
}
