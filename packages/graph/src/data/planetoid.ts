import * as fs from 'fs';
import * as path from 'path';
import { csrFromEdges } from './graph';
import type { NodeDataset } from './dataset';
import { GraphDataError, lines, parseInt32, readText } from './textLines';
import { PyObject, pyToCsr, pyToNdarray, readPickle } from './pickle';

interface PlanetoidJson {
  dataset: string;
  num_nodes: number;
  num_features: number;
  num_classes: number;
  features: { shape: [number, number]; indptr: number[]; indices: number[]; data?: number[] };
  labels: number[];
  edges: [number, number][];
  train_idx: number[];
  val_idx: number[];
  test_idx: number[];
}

function csrRowsToDense(n: number, f: number, indptr: ArrayLike<number>, indices: ArrayLike<number>, data?: ArrayLike<number>): Float32Array {
  const x = new Float32Array(n * f);
  for (let r = 0; r < n; r++) for (let j = indptr[r]; j < indptr[r + 1]; j++) x[r * f + indices[j]] = data ? data[j] : 1;
  return x;
}

/** Loads the GCN-assembled Planetoid JSON (`<name>.gcn.json`): features, labels, edges, public split. */
export function loadPlanetoidJson(file: string): NodeDataset {
  let d: PlanetoidJson;
  try {
    d = JSON.parse(readText(file)) as PlanetoidJson;
  } catch (e) {
    if (e instanceof GraphDataError) throw e;
    throw new GraphDataError(file, undefined, `invalid JSON: ${(e as Error).message}`);
  }
  for (const k of ['num_nodes', 'num_features', 'num_classes', 'features', 'labels', 'edges', 'train_idx', 'val_idx', 'test_idx'] as const) {
    if (d[k] == null) throw new GraphDataError(file, undefined, `expected a Planetoid GCN JSON with key '${k}', it is missing`);
  }
  const n = d.num_nodes;
  const f = d.num_features;
  if (d.features.indptr.length !== n + 1) throw new GraphDataError(file, undefined, `features.indptr has ${d.features.indptr.length} entries, expected num_nodes + 1 = ${n + 1}`);
  if (d.labels.length !== n) throw new GraphDataError(file, undefined, `labels has ${d.labels.length} entries, expected ${n}`);
  const src = d.edges.map((e) => e[0]);
  const dst = d.edges.map((e) => e[1]);
  d.edges.forEach((e, i) => {
    if (!(e[0] >= 0 && e[0] < n && e[1] >= 0 && e[1] < n)) throw new GraphDataError(file, undefined, `edges[${i}] = [${e}] refers to a node outside [0, ${n})`);
  });
  return {
    name: d.dataset,
    graph: csrFromEdges(n, src, dst),
    features: csrRowsToDense(n, f, d.features.indptr, d.features.indices, d.features.data),
    numFeatures: f,
    labels: Int32Array.from(d.labels),
    numClasses: d.num_classes,
    splits: [{ train: Int32Array.from(d.train_idx), val: Int32Array.from(d.val_idx), test: Int32Array.from(d.test_idx) }],
  };
}

function readPickleFile(file: string): unknown {
  if (!fs.existsSync(file)) throw new GraphDataError(file, undefined, 'file not found');
  return readPickle(new Uint8Array(fs.readFileSync(file)), file);
}

function oneHotToIndex(a: { shape: number[]; data: ArrayLike<number> }, where: string): Int32Array {
  if (a.shape.length !== 2) throw new Error(`${where}: expected a 2-D one-hot label array, received shape [${a.shape}]`);
  const [n, c] = a.shape;
  const out = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) if (a.data[i * c + k]) { out[i] = k; break; }
  return out;
}

/**
 * Loads the original Planetoid files `ind.<name>.{x,y,tx,ty,allx,ally,graph,test.index}` (Python-2 pickles) and
 * assembles them the way GCN (Kipf & Welling) does: features = allx then tx, where tx row i belongs to node
 * test.index[i]; nodes in the test range without a row (CiteSeer) get zero features and label -1.
 */
export function loadPlanetoidRaw(dir: string, name: string): NodeDataset {
  const f = (part: string): string => path.join(dir, `ind.${name}.${part}`);
  const allx = pyToCsr(readPickleFile(f('allx')), f('allx'));
  const tx = pyToCsr(readPickleFile(f('tx')), f('tx'));
  const y = pyToNdarray(readPickleFile(f('y')), f('y'));
  const ally = oneHotToIndex(pyToNdarray(readPickleFile(f('ally')), f('ally')), f('ally'));
  const ty = oneHotToIndex(pyToNdarray(readPickleFile(f('ty')), f('ty')), f('ty'));
  const graphObj = readPickleFile(f('graph'));
  const testFile = f('test.index');
  const testIndex = lines(readText(testFile)).map((l) => parseInt32(testFile, l.line, l.text, 'a node id'));
  if (testIndex.length !== tx.shape[0]) throw new GraphDataError(testFile, undefined, `has ${testIndex.length} ids, expected one per tx row (${tx.shape[0]})`);
  const numFeatures = allx.shape[1];
  const n = Math.max(allx.shape[0], Math.max(...testIndex) + 1);
  const features = new Float32Array(n * numFeatures);
  const labels = new Int32Array(n).fill(-1);
  for (let r = 0; r < allx.shape[0]; r++) {
    for (let j = allx.indptr[r]; j < allx.indptr[r + 1]; j++) features[r * numFeatures + allx.indices[j]] = allx.data[j];
    labels[r] = ally[r];
  }
  testIndex.forEach((node, r) => {
    if (node < allx.shape[0]) throw new GraphDataError(testFile, r + 1, `test id ${node} overlaps the allx rows [0, ${allx.shape[0]})`);
    features.fill(0, node * numFeatures, (node + 1) * numFeatures);
    for (let j = tx.indptr[r]; j < tx.indptr[r + 1]; j++) features[node * numFeatures + tx.indices[j]] = tx.data[j];
    labels[node] = ty[r];
  });
  const adj = graphObj instanceof PyObject ? graphObj.items : graphObj instanceof Map ? graphObj : null;
  if (!adj) throw new GraphDataError(f('graph'), undefined, 'expected a pickled dict of adjacency lists');
  const src: number[] = [];
  const dst: number[] = [];
  for (const [k, vs] of adj) {
    if (!Array.isArray(vs)) throw new GraphDataError(f('graph'), undefined, `node ${String(k)}: expected a neighbour list`);
    for (const v of vs as number[]) {
      // Upstream adjacency lists name a few ids beyond the feature rows for CiteSeer; they are dropped as GCN does.
      if ((k as number) < n && v < n) {
        src.push(k as number);
        dst.push(v);
      }
    }
  }
  const numTrain = y.shape[0];
  const sortedTest = Int32Array.from(testIndex).sort();
  return {
    name,
    graph: csrFromEdges(n, src, dst),
    features,
    numFeatures,
    labels,
    numClasses: y.shape[1],
    splits: [{ train: Int32Array.from({ length: numTrain }, (_, i) => i), val: Int32Array.from({ length: 500 }, (_, i) => numTrain + i), test: sortedTest }],
  };
}
