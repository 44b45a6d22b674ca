import * as path from 'path';
import Papa from 'papaparse';
import { csrFromEdges } from './graph';
import type { NodeDataset } from './dataset';
import { GraphDataError, parseNumber, readText } from './textLines';

export interface CsvGraphOptions {
  /** Node CSV column holding the node id (default 'id'). */
  idColumn?: string;
  /** Node CSV column holding the class label (default 'label'); every other column is a numeric feature. */
  labelColumn?: string;
  /** Edge CSV columns (default 'source' and 'target'). */
  sourceColumn?: string;
  targetColumn?: string;
  symmetric?: boolean;
}

function parseCsv(file: string): { rows: Record<string, string>[]; fields: string[] } {
  const res = Papa.parse<Record<string, string>>(readText(file), { header: true, skipEmptyLines: true });
  if (res.errors.length) {
    const e = res.errors[0];
    throw new GraphDataError(file, e.row != null ? e.row + 2 : undefined, `CSV error: ${e.message}`);
  }
  return { rows: res.data, fields: res.meta.fields ?? [] };
}

/**
 * Generic edge-list CSV ("source,target" header) plus node CSV ("id,label,f1,...,fF"); ids are strings, labels
 * are class names (sorted) or empty for unlabeled nodes. Line numbers in errors count the header as line 1.
 */
export function loadCsvGraph(nodeFile: string, edgeFile: string, o: CsvGraphOptions = {}): NodeDataset {
  const idCol = o.idColumn ?? 'id';
  const labelCol = o.labelColumn ?? 'label';
  const srcCol = o.sourceColumn ?? 'source';
  const dstCol = o.targetColumn ?? 'target';
  const nodes = parseCsv(nodeFile);
  for (const c of [idCol, labelCol]) if (!nodes.fields.includes(c)) throw new GraphDataError(nodeFile, 1, `expected a '${c}' column, header has ${nodes.fields.join(', ')}`);
  const featCols = nodes.fields.filter((c) => c !== idCol && c !== labelCol);
  const f = featCols.length;
  const n = nodes.rows.length;
  const ids = new Map<string, number>();
  const classNames = Array.from(new Set(nodes.rows.map((r) => r[labelCol]).filter((s) => s != null && s !== ''))).sort();
  const classIdx = new Map(classNames.map((c, i) => [c, i]));
  const features = new Float32Array(n * f);
  const labels = new Int32Array(n);
  nodes.rows.forEach((r, i) => {
    const line = i + 2;
    const id = r[idCol];
    if (id == null || id === '') throw new GraphDataError(nodeFile, line, `empty node id`);
    if (ids.has(id)) throw new GraphDataError(nodeFile, line, `duplicate node id '${id}'`);
    ids.set(id, i);
    featCols.forEach((c, k) => (features[i * f + k] = parseNumber(nodeFile, line, r[c] ?? '', `a numeric value in column '${c}'`)));
    labels[i] = r[labelCol] ? (classIdx.get(r[labelCol]) as number) : -1;
  });
  const edges = parseCsv(edgeFile);
  for (const c of [srcCol, dstCol]) if (!edges.fields.includes(c)) throw new GraphDataError(edgeFile, 1, `expected a '${c}' column, header has ${edges.fields.join(', ')}`);
  const src: number[] = [];
  const dst: number[] = [];
  edges.rows.forEach((r, i) => {
    const a = ids.get(r[srcCol]);
    const b = ids.get(r[dstCol]);
    if (a == null || b == null) throw new GraphDataError(edgeFile, i + 2, `edge to missing node '${a == null ? r[srcCol] : r[dstCol]}' (not in ${path.basename(nodeFile)})`);
    src.push(a);
    dst.push(b);
  });
  return { name: path.basename(nodeFile, '.csv'), graph: csrFromEdges(n, src, dst, { symmetric: o.symmetric ?? true }), features, numFeatures: f, labels, numClasses: classNames.length, splits: [] };
}
