import { lineError, parseNumber, type PointCloud } from './types';

/**
 * OFF meshes (ModelNet's format): 'OFF' (also ModelNet's glued 'OFF490 518 0'), then 'nVertices nFaces nEdges',
 * the vertices, then faces (read for validation of their vertex indices; returned separately). Comments '#'.
 */
export function parseOff(text: string, file = '<off>'): PointCloud & { faces: Uint32Array[] } {
  const lines = text.split('\n');
  let li = 0;
  const next = (what: string): { toks: string[]; ln: number } => {
    for (;;) {
      if (li >= lines.length) throw lineError(file, lines.length, `the file ends before ${what}`);
      const t = lines[li++].replace(/#.*/, '').trim();
      if (t !== '') return { toks: t.split(/\s+/), ln: li };
    }
  };
  const first = next("the 'OFF' header");
  if (!/^N?C?OFF/.test(first.toks[0])) throw lineError(file, first.ln, `expected 'OFF', received '${first.toks[0].slice(0, 20)}'`);
  let counts = first.toks[0].length > 3 && /^OFF\d/.test(first.toks[0]) ? [first.toks[0].slice(3), ...first.toks.slice(1)] : first.toks.slice(1);
  let ln = first.ln;
  if (counts.length === 0) ({ toks: counts, ln } = next('the vertex and face counts'));
  const nv = parseNumber(file, ln, counts[0], 'the vertex count');
  const nf = parseNumber(file, ln, counts[1], 'the face count');
  const positions = new Float32Array(nv * 3);
  for (let i = 0; i < nv; i++) {
    const r = next(`vertex ${i} of ${nv}`);
    for (let a = 0; a < 3; a++) positions[3 * i + a] = parseNumber(file, r.ln, r.toks[a], `coordinate ${'xyz'[a]} of vertex ${i}`);
  }
  const faces: Uint32Array[] = [];
  for (let f = 0; f < nf; f++) {
    const r = next(`face ${f} of ${nf}`);
    const k = parseNumber(file, r.ln, r.toks[0], `the vertex count of face ${f}`);
    const face = new Uint32Array(k);
    for (let j = 0; j < k; j++) {
      const v = parseNumber(file, r.ln, r.toks[1 + j], `vertex ${j} of face ${f}`);
      if (!Number.isInteger(v) || v < 0 || v >= nv) throw lineError(file, r.ln, `face ${f} refers to vertex ${v}, expected an integer in [0, ${nv})`);
      face[j] = v;
    }
    faces.push(face);
  }
  return { positions, count: nv, faces };
}

/**
 * Plain-text point lists (.xyz, .txt, .pts, ModelNet40-normal-resampled .txt): one point per line, 3 values (xyz)
 * or 6+ (xyz + normals), separated by spaces, tabs or commas; '#' and '//' comments; a .pts file may start with
 * a line holding the point count.
 */
export function parseXyz(text: string, file = '<xyz>'): PointCloud {
  const lines = text.split('\n');
  const pos: number[] = [], nrm: number[] = [];
  let width = -1;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].replace(/(#|\/\/).*/, '').trim();
    if (t === '') continue;
    const toks = t.split(/[\s,;]+/);
    if (width < 0 && toks.length === 1 && pos.length === 0) { parseNumber(file, i + 1, toks[0], 'the point count'); continue; }
    if (width < 0) {
      width = toks.length;
      if (width < 3) throw lineError(file, i + 1, `expected at least 3 values (x y z) per line, received ${width}`);
    } else if (toks.length !== width) {
      throw lineError(file, i + 1, `expected ${width} values like the first point line, received ${toks.length}`);
    }
    for (let a = 0; a < 3; a++) pos.push(parseNumber(file, i + 1, toks[a], `coordinate ${'xyz'[a]}`));
    if (width >= 6) for (let a = 3; a < 6; a++) nrm.push(parseNumber(file, i + 1, toks[a], `normal component ${a - 3}`));
  }
  const out: PointCloud = { positions: Float32Array.from(pos), count: pos.length / 3 };
  if (width >= 6) out.normals = Float32Array.from(nrm);
  return out;
}
