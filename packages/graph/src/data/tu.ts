import * as fs from 'fs';
import * as path from 'path';
import { meanAndStd } from '@statespace/ssm-core';
import { csrFromEdges } from './graph';
import { indexLabels, type GraphDataset, type LabeledGraph } from './dataset';
import { GraphDataError, lines, parseInt32, parseNumber, readText } from './textLines';

export interface TuOptions {
  /** One-hot node degree (capped) as features when the dataset has no node labels/attributes (default 64). */
  maxDegreeFeature?: number;
  /** NAME_node_attributes: 'standardize' (default: each column to mean 0, sample std 1 over all nodes; no labels are read),
   *  'raw' (as in the file; PROTEINS' one attribute runs 1–798 beside 0/1 one-hot labels), or 'none' (left out). */
  nodeAttributes?: 'standardize' | 'raw' | 'none';
}

/** Column-wise z-scores in place (ssm-core's meanAndStd: sample std; a constant column becomes 0). */
function standardizeColumns(rows: number[][], width: number): void {
  for (let j = 0; j < width; j++) {
    const { mean, std } = meanAndStd(rows.map((r) => r[j]));
    for (const r of rows) r[j] = (r[j] - mean) / (std || 1);
  }
}

function readInts(file: string, what: string): { values: number[]; lineOf: number[] } {
  const ls = lines(readText(file));
  return { values: ls.map((l) => parseInt32(file, l.line, l.text, what)), lineOf: ls.map((l) => l.line) };
}

/**
 * TU Dortmund text format: NAME_A.txt ("row, col", 1-based global node ids), NAME_graph_indicator.txt (graph id per
 * node, 1-based), NAME_graph_labels.txt, optional NAME_node_labels.txt (one-hot encoded) and
 * NAME_node_attributes.txt (comma-separated floats, appended). Without either, one-hot degree features.
 */
export function loadTU(dir: string, name = path.basename(dir), opts: TuOptions = {}): GraphDataset {
  const f = (suffix: string): string => path.join(dir, `${name}_${suffix}.txt`);
  const indicator = readInts(f('graph_indicator'), 'a graph id');
  const graphLabels = readInts(f('graph_labels'), 'a graph label').values;
  const numNodes = indicator.values.length;
  const numGraphs = graphLabels.length;
  const graphOf = indicator.values.map((g, i) => {
    if (g < 1 || g > numGraphs) throw new GraphDataError(f('graph_indicator'), indicator.lineOf[i], `graph id ${g} out of range [1, ${numGraphs}] (there are ${numGraphs} graph labels)`);
    if (i > 0 && g < indicator.values[i - 1]) throw new GraphDataError(f('graph_indicator'), indicator.lineOf[i], `graph ids must be non-decreasing, received ${g} after ${indicator.values[i - 1]}`);
    return g - 1;
  });
  const start = new Int32Array(numGraphs + 1);
  for (const g of graphOf) start[g + 1]++;
  for (let g = 0; g < numGraphs; g++) start[g + 1] += start[g];
  // Edges, grouped per graph with local ids.
  const srcs: number[][] = Array.from({ length: numGraphs }, () => []);
  const dsts: number[][] = Array.from({ length: numGraphs }, () => []);
  const aFile = f('A');
  for (const l of lines(readText(aFile))) {
    const cols = l.text.split(',');
    if (cols.length !== 2) throw new GraphDataError(aFile, l.line, `expected "row, col", received '${l.text}'`);
    const a = parseInt32(aFile, l.line, cols[0], 'a node id') - 1;
    const b = parseInt32(aFile, l.line, cols[1], 'a node id') - 1;
    for (const v of [a, b]) if (v < 0 || v >= numNodes) throw new GraphDataError(aFile, l.line, `edge to missing node ${v + 1} (nodes are 1..${numNodes})`);
    if (graphOf[a] !== graphOf[b]) throw new GraphDataError(aFile, l.line, `edge joins node ${a + 1} of graph ${graphOf[a] + 1} to node ${b + 1} of graph ${graphOf[b] + 1}`);
    const g = graphOf[a];
    srcs[g].push(a - start[g]);
    dsts[g].push(b - start[g]);
  }
  // Node features.
  const blocks: { width: number; fill: (node: number, row: Float32Array, offset: number) => void }[] = [];
  if (fs.existsSync(f('node_labels'))) {
    const nl = readInts(f('node_labels'), 'a node label');
    if (nl.values.length !== numNodes) throw new GraphDataError(f('node_labels'), undefined, `has ${nl.values.length} lines, expected one per node (${numNodes})`);
    const { labels, classValues } = indexLabels(nl.values);
    blocks.push({ width: classValues.length, fill: (v, row, o) => (row[o + labels[v]] = 1) });
  }
  const attrMode = opts.nodeAttributes ?? 'standardize';
  if (!['standardize', 'raw', 'none'].includes(attrMode)) throw new Error(`loadTU: option 'nodeAttributes' expects 'standardize', 'raw' or 'none', received '${String(attrMode)}'`);
  if (attrMode !== 'none' && fs.existsSync(f('node_attributes'))) {
    const file = f('node_attributes');
    const rows = lines(readText(file)).map((l) => l.text.split(',').map((s) => parseNumber(file, l.line, s, 'a numeric attribute')));
    if (rows.length !== numNodes) throw new GraphDataError(file, undefined, `has ${rows.length} lines, expected one per node (${numNodes})`);
    const width = rows[0].length;
    rows.forEach((r, i) => {
      if (r.length !== width) throw new GraphDataError(file, i + 1, `expected ${width} attributes, received ${r.length}`);
    });
    if (attrMode === 'standardize') standardizeColumns(rows, width);
    blocks.push({ width, fill: (v, row, o) => row.set(rows[v], o) });
  }
  const graphsCsr = srcs.map((s, g) => csrFromEdges(start[g + 1] - start[g], s, dsts[g]));
  if (blocks.length === 0) {
    const cap = opts.maxDegreeFeature ?? 64;
    blocks.push({
      width: cap + 1,
      fill: (v, row, o) => {
        const g = graphOf[v];
        const local = v - start[g];
        const gr = graphsCsr[g];
        row[o + Math.min(cap, gr.indptr[local + 1] - gr.indptr[local])] = 1;
      },
    });
  }
  const numFeatures = blocks.reduce((s, b) => s + b.width, 0);
  const { labels, classValues } = indexLabels(graphLabels);
  const graphs: LabeledGraph[] = graphsCsr.map((graph, g) => {
    const features = new Float32Array(graph.numNodes * numFeatures);
    for (let local = 0; local < graph.numNodes; local++) {
      const row = features.subarray(local * numFeatures, (local + 1) * numFeatures);
      let o = 0;
      for (const b of blocks) {
        b.fill(start[g] + local, row, o);
        o += b.width;
      }
    }
    return { graph, features, label: labels[g] };
  });
  return { name, graphs, numFeatures, numClasses: classValues.length, classValues };
}
