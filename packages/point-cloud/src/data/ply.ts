import { needBytes, SCALARS, type ScalarType } from './binaryFields';
import { byteError, cloudFromColumns, lineError, parseNumber, type PointCloud } from './types';

const PLY_TYPES: Record<string, string> = {
  char: 'int8', int8: 'int8', uchar: 'uint8', uint8: 'uint8', short: 'int16', int16: 'int16', ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32', uint: 'uint32', uint32: 'uint32', float: 'float32', float32: 'float32', double: 'float64', float64: 'float64',
};
interface PlyProp { name: string; type: ScalarType; list?: ScalarType }
interface PlyElement { name: string; count: number; props: PlyProp[] }

function plyType(file: string, line: number, t: string): ScalarType {
  const s = SCALARS[PLY_TYPES[t]];
  if (!s) throw lineError(file, line, `unknown PLY property type '${t}' (expected one of ${Object.keys(PLY_TYPES).join(', ')})`);
  return s;
}

/**
 * PLY (Stanford): format ascii, binary_little_endian or binary_big_endian. Reads the 'vertex' element
 * (x, y, z, optional nx/ny/nz and other scalar properties); other elements (faces with list properties) are skipped.
 */
export function parsePly(buf: Uint8Array, file = '<ply>'): PointCloud {
  let pos = 0, line = 0, format = '';
  const elements: PlyElement[] = [];
  for (;;) {
    if (pos >= buf.length) throw lineError(file, line, "the header has no 'end_header' line");
    let end = buf.indexOf(10, pos);
    if (end < 0) end = buf.length;
    line++;
    const text = Buffer.from(buf.subarray(pos, end)).toString('latin1').replace(/\r$/, '').trim();
    pos = end + 1;
    const toks = text.split(/\s+/);
    if (line === 1) {
      if (text !== 'ply') throw lineError(file, 1, `expected the magic line 'ply', received '${text.slice(0, 40)}'`);
      continue;
    }
    if (toks[0] === 'end_header') break;
    if (toks[0] === 'comment' || toks[0] === 'obj_info' || text === '') continue;
    if (toks[0] === 'format') {
      format = toks[1];
      if (!['ascii', 'binary_little_endian', 'binary_big_endian'].includes(format)) {
        throw lineError(file, line, `format must be ascii, binary_little_endian or binary_big_endian, received '${format}'`);
      }
    } else if (toks[0] === 'element') {
      const count = parseNumber(file, line, toks[2], `the count of element '${toks[1]}'`);
      elements.push({ name: toks[1], count, props: [] });
    } else if (toks[0] === 'property') {
      const el = elements[elements.length - 1];
      if (!el) throw lineError(file, line, "'property' before any 'element'");
      if (toks[1] === 'list') el.props.push({ name: toks[4], list: plyType(file, line, toks[2]), type: plyType(file, line, toks[3]) });
      else el.props.push({ name: toks[2], type: plyType(file, line, toks[1]) });
    } else {
      throw lineError(file, line, `unknown PLY header keyword '${toks[0]}'`);
    }
  }
  if (!format) throw lineError(file, line, "the header has no 'format' line");
  const vIdx = elements.findIndex((e) => e.name === 'vertex');
  if (vIdx < 0) throw lineError(file, line, "the header has no 'vertex' element");
  const vert = elements[vIdx];
  const cols: Record<string, Float32Array> = {};
  for (const p of vert.props) if (!p.list) cols[p.name] = new Float32Array(vert.count);

  if (format === 'ascii') {
    const lines = Buffer.from(buf.subarray(pos)).toString('latin1').split('\n');
    let li = 0;
    const next = (): { toks: string[]; ln: number } => {
      while (li < lines.length && lines[li].trim() === '') li++;
      if (li >= lines.length) throw lineError(file, line + li + 1, 'the file ends before all elements were read');
      return { toks: lines[li].trim().split(/\s+/), ln: line + 1 + li++ };
    };
    for (let e = 0; e <= vIdx; e++) {
      const el = elements[e];
      for (let r = 0; r < el.count; r++) {
        const { toks, ln } = next();
        let c = 0;
        for (const p of el.props) {
          if (p.list) { c += 1 + parseNumber(file, ln, toks[c], `the length of list '${p.name}'`); continue; }
          const v = parseNumber(file, ln, toks[c++], `property '${p.name}'`);
          if (e === vIdx) cols[p.name][r] = v;
        }
        if (c !== toks.length) throw lineError(file, ln, `expected ${c} values for element '${el.name}', received ${toks.length}`);
      }
    }
  } else {
    const le = format === 'binary_little_endian';
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let off = pos;
    for (let e = 0; e <= vIdx; e++) {
      const el = elements[e];
      for (let r = 0; r < el.count; r++) {
        for (const p of el.props) {
          if (p.list) {
            needBytes(file, off, p.list.size, buf.length, `the length of list '${p.name}' of ${el.name} ${r}`);
            const n = p.list.read(view, off, le);
            off += p.list.size;
            needBytes(file, off, n * p.type.size, buf.length, `list '${p.name}' of ${el.name} ${r}`);
            off += n * p.type.size;
          } else {
            needBytes(file, off, p.type.size, buf.length, `property '${p.name}' of ${el.name} ${r}`);
            const v = p.type.read(view, off, le);
            if (e === vIdx) {
              if (!Number.isFinite(v)) throw byteError(file, off, `property '${p.name}' of vertex ${r} is not finite (${v})`);
              cols[p.name][r] = v;
            }
            off += p.type.size;
          }
        }
      }
    }
  }
  return cloudFromColumns(file, `line ${line}`, cols, vert.count);
}

/** Writes a PLY file's bytes: vertices x y z [nx ny nz] as float, no faces. */
export function writePly(cloud: PointCloud, format: 'ascii' | 'binary_little_endian' | 'binary_big_endian' = 'binary_little_endian'): Uint8Array {
  const withN = cloud.normals != null;
  const names = withN ? ['x', 'y', 'z', 'nx', 'ny', 'nz'] : ['x', 'y', 'z'];
  const n = cloud.count;
  const value = (p: number, f: number) => (f < 3 ? cloud.positions[3 * p + f] : cloud.normals![3 * p + f - 3]);
  const header = `ply\nformat ${format} 1.0\ncomment statespace\nelement vertex ${n}\n${names.map((s) => `property float ${s}`).join('\n')}\nend_header\n`;
  if (format === 'ascii') {
    return Buffer.from(header + Array.from({ length: n }, (_, p) => names.map((_, f) => String(value(p, f))).join(' ')).join('\n') + '\n', 'latin1');
  }
  const body = new DataView(new ArrayBuffer(n * names.length * 4));
  for (let p = 0; p < n; p++) for (let f = 0; f < names.length; f++) body.setFloat32((p * names.length + f) * 4, value(p, f), format === 'binary_little_endian');
  return Buffer.concat([Buffer.from(header, 'latin1'), new Uint8Array(body.buffer)]);
}
