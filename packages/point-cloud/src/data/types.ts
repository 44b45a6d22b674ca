/** One point cloud: positions (N·3 floats), optional normals (N·3) and other named per-point fields. */
export interface PointCloud {
  positions: Float32Array;
  normals?: Float32Array;
  count: number;
  /** Other scalar fields found in the file (intensity, rgb, ...), one value per point. */
  fields?: Record<string, Float32Array>;
}

/** A parse error that names the file and where (line or byte offset). */
export class PointCloudFormatError extends Error {
  constructor(readonly file: string, readonly where: string, message: string) {
    super(`${file}: ${where}: ${message}`);
    this.name = 'PointCloudFormatError';
  }
}

export const lineError = (file: string, line: number, msg: string) => new PointCloudFormatError(file, `line ${line}`, msg);
export const byteError = (file: string, byte: number, msg: string) => new PointCloudFormatError(file, `byte ${byte}`, msg);

/** Builds a PointCloud from per-field columns; requires x, y, z; takes nx/ny/nz (or normal_x...) as normals. */
export function cloudFromColumns(file: string, where: string, cols: Record<string, Float32Array>, count: number): PointCloud {
  for (const a of ['x', 'y', 'z']) {
    if (!cols[a]) throw new PointCloudFormatError(file, where, `expected fields x, y, z; received ${Object.keys(cols).join(', ') || 'none'}`);
  }
  const positions = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) { positions[3 * i] = cols.x[i]; positions[3 * i + 1] = cols.y[i]; positions[3 * i + 2] = cols.z[i]; }
  const nn = ['nx', 'ny', 'nz'].every((k) => cols[k]) ? ['nx', 'ny', 'nz'] : ['normal_x', 'normal_y', 'normal_z'].every((k) => cols[k]) ? ['normal_x', 'normal_y', 'normal_z'] : null;
  const out: PointCloud = { positions, count };
  if (nn) {
    out.normals = new Float32Array(count * 3);
    for (let i = 0; i < count; i++) for (let a = 0; a < 3; a++) out.normals[3 * i + a] = cols[nn[a]][i];
  }
  const rest = Object.keys(cols).filter((k) => !['x', 'y', 'z', ...(nn ?? [])].includes(k));
  if (rest.length) out.fields = Object.fromEntries(rest.map((k) => [k, cols[k]]));
  return out;
}

/** Parses a decimal number token; throws a line error naming the token otherwise. */
export function parseNumber(file: string, line: number, tok: string | undefined, what: string): number {
  const v = tok === undefined ? NaN : Number(tok);
  if (tok === undefined || tok === '' || !Number.isFinite(v)) {
    throw lineError(file, line, `expected a number for ${what}, received ${tok === undefined ? 'end of line' : `'${tok}'`}`);
  }
  return v;
}
