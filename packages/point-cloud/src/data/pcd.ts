import { lzfDecompress, lzfStore } from './lzf';
import { needBytes, SCALARS, type ScalarType } from './binaryFields';
import { byteError, cloudFromColumns, lineError, parseNumber, type PointCloud } from './types';

interface PcdField { name: string; type: ScalarType; size: number; count: number }

function scalarFor(file: string, line: number, t: string, size: number): ScalarType {
  const name = t === 'F' ? `float${size * 8}` : t === 'I' ? `int${size * 8}` : t === 'U' ? `uint${size * 8}` : '';
  const s = SCALARS[name];
  if (!s) throw lineError(file, line, `unsupported TYPE/SIZE pair ${t}${size} (expected F4, F8, I1/2/4 or U1/2/4)`);
  return s;
}

/**
 * PCD (Point Cloud Library) v0.5–0.7: DATA ascii, binary (points one after another) and binary_compressed
 * (uint32 compressed size, uint32 size, then LZF data holding each field's values for all points in turn).
 * Errors name the file and the header/data line or the byte offset.
 */
export function parsePcd(buf: Uint8Array, file = '<pcd>'): PointCloud {
  const head: Record<string, string[]> = {};
  const headLine: Record<string, number> = {};
  let pos = 0, line = 0, data = '';
  while (pos < buf.length) {
    let end = buf.indexOf(10, pos);
    if (end < 0) end = buf.length;
    line++;
    const text = Buffer.from(buf.subarray(pos, end)).toString('latin1').replace(/\r$/, '').trim();
    pos = end + 1;
    if (text === '' || text.startsWith('#')) continue;
    const [key, ...vals] = text.split(/\s+/);
    const k = key.toUpperCase();
    if (!['VERSION', 'FIELDS', 'SIZE', 'TYPE', 'COUNT', 'WIDTH', 'HEIGHT', 'VIEWPOINT', 'POINTS', 'DATA'].includes(k)) {
      throw lineError(file, line, `unknown PCD header entry '${key}' (expected VERSION, FIELDS, SIZE, TYPE, COUNT, WIDTH, HEIGHT, VIEWPOINT, POINTS, DATA)`);
    }
    head[k] = vals;
    headLine[k] = line;
    if (k === 'DATA') { data = (vals[0] ?? '').toLowerCase(); break; }
  }
  if (!head.DATA) throw lineError(file, line, 'the header has no DATA line (not a PCD file?)');
  if (!head.FIELDS) throw lineError(file, line, 'the header has no FIELDS line');
  const nf = head.FIELDS.length;
  const sizes = head.SIZE ?? head.FIELDS.map(() => '4');
  const types = head.TYPE ?? head.FIELDS.map(() => 'F');
  const counts = head.COUNT ?? head.FIELDS.map(() => '1');
  for (const [k, v] of [['SIZE', sizes], ['TYPE', types], ['COUNT', counts]] as const) {
    if (v.length !== nf) throw lineError(file, headLine[k] ?? line, `${k} has ${v.length} entries, FIELDS has ${nf}`);
  }
  const fields: PcdField[] = head.FIELDS.map((name, i) => {
    const size = parseNumber(file, headLine.SIZE ?? line, sizes[i], `SIZE of ${name}`);
    const count = parseNumber(file, headLine.COUNT ?? line, counts[i], `COUNT of ${name}`);
    return { name, size, count, type: scalarFor(file, headLine.TYPE ?? line, types[i].toUpperCase(), size) };
  });
  const wh = (head.WIDTH ? parseNumber(file, headLine.WIDTH, head.WIDTH[0], 'WIDTH') : 0) * (head.HEIGHT ? parseNumber(file, headLine.HEIGHT, head.HEIGHT[0], 'HEIGHT') : 1);
  const n = head.POINTS ? parseNumber(file, headLine.POINTS, head.POINTS[0], 'POINTS') : wh;
  if (!Number.isInteger(n) || n < 0) throw lineError(file, headLine.POINTS ?? line, `POINTS must be an integer >= 0, received ${n}`);
  const cols: Record<string, Float32Array> = {};
  for (const f of fields) if (f.name !== '_') cols[f.name] = new Float32Array(n);

  if (data === 'ascii') {
    const text = Buffer.from(buf.subarray(pos)).toString('latin1').split('\n');
    const perPoint = fields.reduce((s, f) => s + f.count, 0);
    let p = 0;
    for (let li = 0; li < text.length && p < n; li++) {
      const t = text[li].trim();
      if (t === '' || t.startsWith('#')) continue;
      const toks = t.split(/\s+/);
      const ln = line + 1 + li;
      if (toks.length !== perPoint) throw lineError(file, ln, `expected ${perPoint} values per point, received ${toks.length}`);
      let c = 0;
      for (const f of fields) {
        const v = toks[c] === 'nan' || toks[c] === 'NaN' ? NaN : parseNumber(file, ln, toks[c], `field ${f.name}`);
        if (cols[f.name]) cols[f.name][p] = v;
        c += f.count;
      }
      p++;
    }
    if (p < n) throw lineError(file, line + text.length, `POINTS says ${n} points, the file has ${p}`);
  } else if (data === 'binary') {
    const stride = fields.reduce((s, f) => s + f.size * f.count, 0);
    needBytes(file, pos, n * stride, buf.length, `${n} points of ${stride} bytes`);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (let p = 0; p < n; p++) {
      let off = pos + p * stride;
      for (const f of fields) {
        if (cols[f.name]) cols[f.name][p] = f.type.read(view, off, true);
        off += f.size * f.count;
      }
    }
  } else if (data === 'binary_compressed') {
    needBytes(file, pos, 8, buf.length, 'the compressed-size header');
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const csize = view.getUint32(pos, true), usize = view.getUint32(pos + 4, true);
    const stride = fields.reduce((s, f) => s + f.size * f.count, 0);
    if (usize !== n * stride) throw byteError(file, pos + 4, `uncompressed size ${usize} does not match ${n} points × ${stride} bytes`);
    needBytes(file, pos + 8, csize, buf.length, 'the compressed data');
    const raw = lzfDecompress(file, buf.subarray(pos + 8, pos + 8 + csize), pos + 8, usize);
    const rv = new DataView(raw.buffer);
    let base = 0;
    for (const f of fields) {
      if (cols[f.name]) for (let p = 0; p < n; p++) cols[f.name][p] = f.type.read(rv, base + p * f.size * f.count, true);
      base += n * f.size * f.count;
    }
  } else {
    throw lineError(file, headLine.DATA, `DATA must be ascii, binary or binary_compressed, received '${head.DATA[0] ?? ''}'`);
  }
  return cloudFromColumns(file, `line ${headLine.FIELDS}`, cols, n);
}

/** Writes a PCD file's bytes (x y z [normal_x normal_y normal_z] as float32). */
export function writePcd(cloud: PointCloud, data: 'ascii' | 'binary' | 'binary_compressed' = 'binary'): Uint8Array {
  const withN = cloud.normals != null;
  const names = withN ? ['x', 'y', 'z', 'normal_x', 'normal_y', 'normal_z'] : ['x', 'y', 'z'];
  const nf = names.length, n = cloud.count;
  const value = (p: number, f: number) => (f < 3 ? cloud.positions[3 * p + f] : cloud.normals![3 * p + f - 3]);
  const header = ['# .PCD v0.7 - Point Cloud Data file format', 'VERSION 0.7', `FIELDS ${names.join(' ')}`, `SIZE ${names.map(() => 4).join(' ')}`,
    `TYPE ${names.map(() => 'F').join(' ')}`, `COUNT ${names.map(() => 1).join(' ')}`, `WIDTH ${n}`, 'HEIGHT 1', 'VIEWPOINT 0 0 0 1 0 0 0', `POINTS ${n}`, `DATA ${data}`].join('\n') + '\n';
  if (data === 'ascii') {
    const rows = Array.from({ length: n }, (_, p) => names.map((_, f) => String(value(p, f))).join(' '));
    return Buffer.from(header + rows.join('\n') + '\n', 'latin1');
  }
  const body = new Float32Array(n * nf);
  for (let p = 0; p < n; p++) for (let f = 0; f < nf; f++) body[data === 'binary' ? p * nf + f : f * n + p] = value(p, f);
  let bytes = new Uint8Array(body.buffer);
  if (data === 'binary_compressed') {
    const c = lzfStore(bytes);
    const sizes = new Uint8Array(8);
    new DataView(sizes.buffer).setUint32(0, c.length, true);
    new DataView(sizes.buffer).setUint32(4, bytes.length, true);
    bytes = Buffer.concat([sizes, c]);
  }
  return Buffer.concat([Buffer.from(header, 'latin1'), bytes]);
}
