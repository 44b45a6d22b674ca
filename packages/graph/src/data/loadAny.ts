import * as fs from 'fs';
import * as path from 'path';
import type { GraphDataset, NodeDataset } from './dataset';
import { loadPlanetoidJson, loadPlanetoidRaw } from './planetoid';
import { loadGeomGcn, loadHeterophilyNpz } from './heterophily';
import { loadTU } from './tu';
import { loadLinqs } from './linqs';
import { loadCsvGraph } from './csv';

export type AnyDataset = { kind: 'node'; data: NodeDataset } | { kind: 'graph'; data: GraphDataset };

/**
 * Picks the loader from the path: *.json Planetoid GCN JSON; *.npz heterophily; *.content LINQS (with the
 * sibling *.cites); *.csv node CSV (with `edges`); a folder with out1_node_feature_label.txt Geom-GCN; with
 * <NAME>_A.txt TU; with ind.<name>.x raw Planetoid.
 */
export function loadAnyDataset(p: string, edges?: string): AnyDataset {
  if (!fs.existsSync(p)) throw new Error(`--data: '${p}' does not exist`);
  if (fs.statSync(p).isFile()) {
    if (p.endsWith('.json')) return { kind: 'node', data: loadPlanetoidJson(p) };
    if (p.endsWith('.npz')) return { kind: 'node', data: loadHeterophilyNpz(p) };
    if (p.endsWith('.content')) return { kind: 'node', data: loadLinqs(p, p.replace(/\.content$/, '.cites')) };
    if (p.endsWith('.csv')) {
      if (!edges) throw new Error(`--data ${p}: a node CSV needs --edges <edge CSV>`);
      return { kind: 'node', data: loadCsvGraph(p, edges) };
    }
    throw new Error(`--data: cannot tell the format of '${p}' (expected .json, .npz, .content, .csv or a dataset folder)`);
  }
  const files = fs.readdirSync(p);
  if (files.includes('out1_node_feature_label.txt')) return { kind: 'node', data: loadGeomGcn(p) };
  const tu = files.find((f) => f.endsWith('_A.txt'));
  if (tu) return { kind: 'graph', data: loadTU(p, tu.replace(/_A\.txt$/, '')) };
  const raw = files.find((f) => /^ind\.[^.]+\.x$/.test(f));
  if (raw) return { kind: 'node', data: loadPlanetoidRaw(p, raw.split('.')[1]) };
  throw new Error(`--data: folder '${path.resolve(p)}' has no known dataset files (Geom-GCN, TU or raw Planetoid)`);
}
