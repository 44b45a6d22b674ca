import * as fs from 'fs';
import * as path from 'path';
import { csrFromEdges } from './graph';
import { splitFromMasks, type NodeDataset, type NodeSplit } from './dataset';
import { readNpz, requireArray } from './npy';
import { GraphDataError, lines, parseInt32, parseNumber, readText } from './textLines';

/**
 * Heterophily .npz (Platonov et al. 2023): node_features [N,F], node_labels [N], edges [E,2] (each undirected
 * edge once), train/val/test_masks [S,N].
 */
export function loadHeterophilyNpz(file: string): NodeDataset {
  const a = readNpz(file);
  const x = requireArray(a, 'node_features', file, 2);
  const y = requireArray(a, 'node_labels', file, 1);
  const e = requireArray(a, 'edges', file, 2);
  const [n, f] = x.shape;
  if (y.shape[0] !== n) throw new GraphDataError(file, undefined, `node_labels has ${y.shape[0]} entries, expected ${n}`);
  const src = new Int32Array(e.shape[0]);
  const dst = new Int32Array(e.shape[0]);
  for (let i = 0; i < e.shape[0]; i++) {
    src[i] = e.data[2 * i];
    dst[i] = e.data[2 * i + 1];
    if (src[i] < 0 || src[i] >= n || dst[i] < 0 || dst[i] >= n) throw new GraphDataError(file, undefined, `edges row ${i} = (${src[i]}, ${dst[i]}) refers to a missing node (N = ${n})`);
  }
  const splits: NodeSplit[] = [];
  if (a.train_masks && a.val_masks && a.test_masks) {
    const s = a.train_masks.shape[0];
    for (let k = 0; k < s; k++) {
      const sl = (m: typeof x): ArrayLike<number> => m.data.subarray(k * n, (k + 1) * n);
      splits.push(splitFromMasks(sl(a.train_masks), sl(a.val_masks), sl(a.test_masks)));
    }
  }
  const labels = Int32Array.from(y.data);
  return {
    name: path.basename(file, '.npz'),
    graph: csrFromEdges(n, src, dst),
    features: Float32Array.from(x.data),
    numFeatures: f,
    labels,
    numClasses: Math.max(...labels) + 1,
    splits,
  };
}

/**
 * Geom-GCN text format: `out1_node_feature_label.txt` (header, then "id<TAB>features<TAB>label"; features dense
 * comma values, or for film a sparse list of active indices with the dimension in the header) and
 * `out1_graph_edges.txt` (header, then "src<TAB>dst"), plus splits/<name>_split_*.npz masks.
 */
export function loadGeomGcn(dir: string, name = path.basename(dir)): NodeDataset {
  const featFile = path.join(dir, 'out1_node_feature_label.txt');
  const edgeFile = path.join(dir, 'out1_graph_edges.txt');
  const rows = lines(readText(featFile));
  if (rows.length < 2) throw new GraphDataError(featFile, 1, 'expected a header line and at least one node row');
  const sparseDim = /feature_amount:(\d+)/.exec(rows[0].text)?.[1];
  const parsed = rows.slice(1).map((r) => {
    const cols = r.text.split('\t');
    if (cols.length !== 3) throw new GraphDataError(featFile, r.line, `expected 3 tab-separated fields (id, features, label), received ${cols.length}`);
    const id = parseInt32(featFile, r.line, cols[0], 'a node id');
    const label = parseInt32(featFile, r.line, cols[2], 'a class label');
    const vals = cols[1].split(',').map((s) => parseNumber(featFile, r.line, s, 'a numeric feature'));
    return { id, label, vals, line: r.line };
  });
  const n = parsed.length;
  // film's header says 931 but indices reach 931: Geom-GCN (and PyG's Actor) allocate 932 columns, as we do.
  const f = sparseDim ? Math.max(Number(sparseDim), 1 + Math.max(...parsed.map((r) => Math.max(-1, ...r.vals)))) : parsed[0].vals.length;
  const features = new Float32Array(n * f);
  const labels = new Int32Array(n).fill(-1);
  for (const r of parsed) {
    if (r.id < 0 || r.id >= n) throw new GraphDataError(featFile, r.line, `node id ${r.id} out of range [0, ${n})`);
    if (labels[r.id] !== -1) throw new GraphDataError(featFile, r.line, `node id ${r.id} appears twice`);
    labels[r.id] = r.label;
    if (sparseDim) {
      for (const k of r.vals) {
        if (!Number.isInteger(k) || k < 0 || k >= f) throw new GraphDataError(featFile, r.line, `feature index ${k} out of range [0, ${f})`);
        features[r.id * f + k] = 1;
      }
    } else {
      if (r.vals.length !== f) throw new GraphDataError(featFile, r.line, `expected ${f} features, received ${r.vals.length}`);
      features.set(r.vals, r.id * f);
    }
  }
  const src: number[] = [];
  const dst: number[] = [];
  for (const r of lines(readText(edgeFile)).slice(1)) {
    const cols = r.text.trim().split(/\s+/);
    if (cols.length !== 2) throw new GraphDataError(edgeFile, r.line, `expected 2 fields (src, dst), received ${cols.length}`);
    const a = parseInt32(edgeFile, r.line, cols[0], 'a source node id');
    const b = parseInt32(edgeFile, r.line, cols[1], 'a target node id');
    for (const v of [a, b]) if (v < 0 || v >= n) throw new GraphDataError(edgeFile, r.line, `edge to missing node ${v} (nodes are 0..${n - 1})`);
    src.push(a);
    dst.push(b);
  }
  const splitDir = path.join(dir, 'splits');
  const splits: NodeSplit[] = [];
  if (fs.existsSync(splitDir)) {
    const files = fs.readdirSync(splitDir).filter((s) => s.endsWith('.npz'));
    files.sort((x, y) => Number(/_(\d+)\.npz$/.exec(x)?.[1] ?? 0) - Number(/_(\d+)\.npz$/.exec(y)?.[1] ?? 0));
    for (const s of files) {
      const file = path.join(splitDir, s);
      const m = readNpz(file);
      const t = requireArray(m, 'train_mask', file, 1);
      if (t.shape[0] !== n) throw new GraphDataError(file, undefined, `train_mask has ${t.shape[0]} entries, expected ${n}`);
      splits.push(splitFromMasks(t.data, requireArray(m, 'val_mask', file, 1).data, requireArray(m, 'test_mask', file, 1).data));
    }
  }
  return { name, graph: csrFromEdges(n, src, dst), features, numFeatures: f, labels, numClasses: Math.max(...labels) + 1, splits };
}
