/**
 * Throws a clear error for the first index outside [0, limit): names the op, the argument, the edge and the
 * value, so a bad edge list fails here rather than as a silent zero / NaN or a crash inside tfjs.
 */
export function checkIndexRange(op: string, name: string, idx: ArrayLike<number>, limit: number, what: string): void {
  for (let e = 0; e < idx.length; e++) {
    const v = idx[e];
    if (!(v >= 0 && v < limit)) {
      throw new Error(`${op}: argument '${name}' must hold indices in [0, ${limit}) (${what}), received ${name}[${e}] = ${v} (edge ${e})`);
    }
  }
}
