import * as path from 'path';
import { csrFromEdges } from './graph';
import type { NodeDataset } from './dataset';
import { GraphDataError, lines, parseNumber, readText } from './textLines';

/**
 * LINQS format (Cora/CiteSeer as in pygcn): `<name>.content` rows "paper_id f1 ... fF class_label" (whitespace
 * separated) and `<name>.cites` rows "cited_id citing_id". Ids are arbitrary strings; classes are sorted names.
 */
export function loadLinqs(contentFile: string, citesFile: string, opts: { skipUnknownEdges?: boolean } = {}): NodeDataset {
  const rows = lines(readText(contentFile)).map((l) => ({ cols: l.text.trim().split(/\s+/), line: l.line }));
  if (rows.length === 0) throw new GraphDataError(contentFile, undefined, 'no rows');
  const f = rows[0].cols.length - 2;
  if (f < 1) throw new GraphDataError(contentFile, rows[0].line, `expected "id features... label", received ${rows[0].cols.length} fields`);
  const ids = new Map<string, number>();
  const classNames = Array.from(new Set(rows.map((r) => r.cols[r.cols.length - 1]))).sort();
  const classIdx = new Map(classNames.map((c, i) => [c, i]));
  const features = new Float32Array(rows.length * f);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    if (r.cols.length !== f + 2) throw new GraphDataError(contentFile, r.line, `expected ${f + 2} fields (id, ${f} features, label), received ${r.cols.length}`);
    if (ids.has(r.cols[0])) throw new GraphDataError(contentFile, r.line, `duplicate node id '${r.cols[0]}'`);
    ids.set(r.cols[0], i);
    for (let k = 0; k < f; k++) features[i * f + k] = parseNumber(contentFile, r.line, r.cols[k + 1], 'a numeric feature');
    labels[i] = classIdx.get(r.cols[f + 1]) as number;
  });
  const src: number[] = [];
  const dst: number[] = [];
  for (const l of lines(readText(citesFile))) {
    const cols = l.text.trim().split(/\s+/);
    if (cols.length !== 2) throw new GraphDataError(citesFile, l.line, `expected "cited citing", received ${cols.length} fields`);
    const a = ids.get(cols[0]);
    const b = ids.get(cols[1]);
    if (a == null || b == null) {
      if (opts.skipUnknownEdges) continue;
      throw new GraphDataError(citesFile, l.line, `edge to missing node '${a == null ? cols[0] : cols[1]}' (not in ${path.basename(contentFile)})`);
    }
    src.push(b);
    dst.push(a);
  }
  return { name: path.basename(contentFile, '.content'), graph: csrFromEdges(rows.length, src, dst), features, numFeatures: f, labels, numClasses: classNames.length, splits: [] };
}
