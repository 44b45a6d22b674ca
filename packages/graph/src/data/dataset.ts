import type { CsrGraph } from './graph';

/** One train/val/test split of a node-classification dataset (node indices). */
export interface NodeSplit {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

/** A single graph with node features and labels (Planetoid, heterophily, LINQS, CSV). */
export interface NodeDataset {
  name: string;
  graph: CsrGraph;
  /** Row-major (numNodes, numFeatures). */
  features: Float32Array;
  numFeatures: number;
  /** Class index per node; -1 = unlabeled. */
  labels: Int32Array;
  numClasses: number;
  /** Public split(s); empty when the format has none. */
  splits: NodeSplit[];
}

export interface LabeledGraph {
  graph: CsrGraph;
  /** Row-major (graph.numNodes, numFeatures). */
  features: Float32Array;
  label: number;
}

/** A set of small graphs with one label each (TU datasets). */
export interface GraphDataset {
  name: string;
  graphs: LabeledGraph[];
  numFeatures: number;
  numClasses: number;
  /** Original label value of each class index (e.g. -1 and 1 for MUTAG). */
  classValues: number[];
}

/** Splits from boolean masks (one mask per set). */
export function splitFromMasks(train: ArrayLike<number | boolean>, val: ArrayLike<number | boolean>, test: ArrayLike<number | boolean>): NodeSplit {
  const pick = (m: ArrayLike<number | boolean>): Int32Array => {
    const out: number[] = [];
    for (let i = 0; i < m.length; i++) if (m[i]) out.push(i);
    return Int32Array.from(out);
  };
  return { train: pick(train), val: pick(val), test: pick(test) };
}

/** Maps arbitrary label values to 0..C-1 in sorted order. */
export function indexLabels(values: number[]): { labels: Int32Array; classValues: number[] } {
  const classValues = Array.from(new Set(values)).sort((a, b) => a - b);
  const idx = new Map(classValues.map((v, i) => [v, i]));
  return { labels: Int32Array.from(values, (v) => idx.get(v) as number), classValues };
}
