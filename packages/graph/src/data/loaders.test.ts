import * as path from 'path';
import { zipSync } from 'fflate';
import { dataDir, tmpDir, write } from '../testing/testUtil';
import { degrees, numUndirectedEdges, neighbours } from './graph';
import { loadPlanetoidJson, loadPlanetoidRaw } from './planetoid';
import { loadTU } from './tu';
import { loadGeomGcn, loadHeterophilyNpz } from './heterophily';
import { loadLinqs } from './linqs';
import { loadCsvGraph } from './csv';
import { parseNpy } from './npy';

/** Writes a .npy v1 file by hand (independent of the parser). */
function npy(descr: string, shape: number[], data: ArrayBufferView): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

describe('graph loaders on files the test writes', () => {
  const dir = tmpDir();

  it('TU text: graphs, local ids, one-hot node labels + attributes; malformed → file and line', () => {
    const d = path.join(dir, 'T1');
    write(d, 'T1_A.txt', '1, 2\n2, 1\n2, 3\n3, 2\n4, 5\n5, 4\n');
    write(d, 'T1_graph_indicator.txt', '1\n1\n1\n2\n2\n');
    write(d, 'T1_graph_labels.txt', '-1\n1\n');
    write(d, 'T1_node_labels.txt', '0\n2\n0\n2\n2\n');
    write(d, 'T1_node_attributes.txt', '0.5\n1.5\n2\n3\n4\n');
    const ds = loadTU(d, 'T1', { nodeAttributes: 'raw' });
    expect(ds.graphs.length).toBe(2);
    expect(ds.numClasses).toBe(2);
    expect(ds.classValues).toEqual([-1, 1]);
    expect(ds.numFeatures).toBe(3);
    expect(Array.from(ds.graphs[0].features)).toEqual([1, 0, 0.5, 0, 1, 1.5, 1, 0, 2]);
    expect(Array.from(neighbours(ds.graphs[0].graph, 1))).toEqual([0, 2]);
    expect(ds.graphs[1].graph.numNodes).toBe(2);
    expect(ds.graphs.map((g) => g.label)).toEqual([0, 1]);
    // Default: attributes standardized over all nodes (mean 2.2, sample std √(7.3 / 4)); 'none' leaves them out.
    const z = (v: number): number => (v - 2.2) / Math.sqrt(7.3 / 4);
    const std = loadTU(d);
    [0.5, 1.5, 2].forEach((v, i) => expect(std.graphs[0].features[3 * i + 2]).toBeCloseTo(z(v), 5));
    expect(Array.from(std.graphs[1].features).filter((_, i) => i % 3 === 2).map((v) => +v.toFixed(5))).toEqual([z(3), z(4)].map((v) => +v.toFixed(5)));
    expect(loadTU(d, 'T1', { nodeAttributes: 'none' }).numFeatures).toBe(2);
    expect(() => loadTU(d, 'T1', { nodeAttributes: 'scale' as never })).toThrow(/loadTU: option 'nodeAttributes' expects 'standardize', 'raw' or 'none', received 'scale'/);
    write(d, 'T1_A.txt', '1, 2\n2, 9\n');
    expect(() => loadTU(d)).toThrow(/T1_A\.txt:2: edge to missing node 9/);
    write(d, 'T1_A.txt', '1, 2\n2; 1\n');
    expect(() => loadTU(d)).toThrow(/T1_A\.txt:2: expected "row, col"/);
    write(d, 'T1_A.txt', '1, 2\n2, 4\n');
    expect(() => loadTU(d)).toThrow(/T1_A\.txt:2: edge joins node 2 of graph 1 to node 4 of graph 2/);
    write(d, 'T1_A.txt', '1, 2\n');
    write(d, 'T1_node_attributes.txt', '0.5\n1.5\nx\n3\n4\n');
    expect(() => loadTU(d)).toThrow(/T1_node_attributes\.txt:3: expected a numeric attribute, received 'x'/);
  });

  it('Geom-GCN text (dense and sparse features) with .npz splits; malformed rows', () => {
    const d = path.join(dir, 'geo');
    write(d, 'out1_node_feature_label.txt', 'node_id\tfeature\tlabel\n1\t0,1,0\t2\n0\t1,0,1\t0\n2\t0,0,1\t1\n');
    write(d, 'out1_graph_edges.txt', 'node_id\tnode_id\n0\t1\n1\t2\n2\t2\n');
    const mask = (v: number[]): Uint8Array => npy('|b1', [3], Uint8Array.from(v));
    write(d, 'splits/geo_split_0.6_0.2_0.npz', zipSync({ 'train_mask.npy': mask([1, 0, 0]), 'val_mask.npy': mask([0, 1, 0]), 'test_mask.npy': mask([0, 0, 1]) }));
    const ds = loadGeomGcn(d);
    expect(Array.from(ds.features)).toEqual([1, 0, 1, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(ds.labels)).toEqual([0, 2, 1]);
    expect(numUndirectedEdges(ds.graph)).toBe(2); // self-loop dropped
    expect(Array.from(ds.splits[0].test)).toEqual([2]);
    write(d, 'out1_graph_edges.txt', 'node_id\tnode_id\n0\t1\n1\t7\n');
    expect(() => loadGeomGcn(d)).toThrow(/out1_graph_edges\.txt:3: edge to missing node 7/);
    write(d, 'out1_graph_edges.txt', 'node_id\tnode_id\n0\t1\n');
    write(d, 'out1_node_feature_label.txt', 'node_id\tfeature(feature_amount:4)\tlabel\n0\t1,3\t0\n1\t1.5\t1\n');
    expect(() => loadGeomGcn(d)).toThrow(/out1_node_feature_label\.txt:3: feature index 1.5 out of range/);
  });

  it('heterophily .npz and .npy parsing; corrupt bytes named', () => {
    const f = write(dir, 'toy.npz', zipSync({
      'node_features.npy': npy('<f4', [3, 2], Float32Array.from([1, 2, 3, 4, 5, 6])),
      'node_labels.npy': npy('<i8', [3], BigInt64Array.from([0n, 1n, 1n])),
      'edges.npy': npy('<i8', [2, 2], BigInt64Array.from([0n, 1n, 1n, 2n])),
      'train_masks.npy': npy('|b1', [2, 3], Uint8Array.from([1, 0, 0, 0, 1, 0])),
      'val_masks.npy': npy('|b1', [2, 3], Uint8Array.from([0, 1, 0, 1, 0, 0])),
      'test_masks.npy': npy('|b1', [2, 3], Uint8Array.from([0, 0, 1, 0, 0, 1])),
    }));
    const ds = loadHeterophilyNpz(f);
    expect(Array.from(ds.features)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(ds.graph.indptr)).toEqual([0, 1, 3, 4]);
    expect(ds.splits.map((s) => Array.from(s.train))).toEqual([[0], [1]]);
    expect(() => parseNpy(Uint8Array.from([1, 2, 3]), 'x.npy')).toThrow(/x\.npy: byte 0: expected the \.npy magic/);
    const bad = write(dir, 'bad.npz', zipSync({ 'node_features.npy': npy('<f4', [3, 2], Float32Array.from([1, 2])) }));
    expect(() => loadHeterophilyNpz(bad)).toThrow(/bad\.npz:node_features\.npy: byte \d+: .*expected 24 data bytes/);
  });

  it('LINQS .content/.cites and edge CSV + node CSV', () => {
    const c = write(dir, 'toy.content', 'p1 1 0 A\np2 0 1 B\np3 1 1 A\n');
    const e = write(dir, 'toy.cites', 'p1 p2\np2 p3\n');
    const ds = loadLinqs(c, e);
    expect(Array.from(ds.labels)).toEqual([0, 1, 0]);
    expect(Array.from(degrees(ds.graph))).toEqual([1, 2, 1]);
    write(dir, 'toy.cites', 'p1 p2\np2 p9\n');
    expect(() => loadLinqs(c, e)).toThrow(/toy\.cites:2: edge to missing node 'p9'/);
    write(dir, 'toy.content', 'p1 1 0 A\np2 0 A\n');
    expect(() => loadLinqs(c, e)).toThrow(/toy\.content:2: expected 4 fields/);
    const nodes = write(dir, 'nodes.csv', 'id,label,f1,f2\na,x,1,2\nb,y,3,4\nc,,5,6\n');
    const edges = write(dir, 'edges.csv', 'source,target\na,b\nb,c\n');
    const g = loadCsvGraph(nodes, edges);
    expect(Array.from(g.labels)).toEqual([0, 1, -1]);
    expect(Array.from(g.features)).toEqual([1, 2, 3, 4, 5, 6]);
    write(dir, 'edges.csv', 'source,target\na,b\nb,zz\n');
    expect(() => loadCsvGraph(nodes, edges)).toThrow(/edges\.csv:3: edge to missing node 'zz'/);
    write(dir, 'nodes.csv', 'id,label,f1,f2\na,x,1,2\nb,y,oops,4\n');
    expect(() => loadCsvGraph(nodes, edges)).toThrow(/nodes\.csv:3: expected a numeric value in column 'f1', received 'oops'/);
  });

  it('Planetoid JSON errors name the file', () => {
    const f = write(dir, 'bad.json', '{"num_nodes": 2');
    expect(() => loadPlanetoidJson(f)).toThrow(/bad\.json: invalid JSON/);
  });
});

describe('graph loaders on the real datasets', () => {
  const root = dataDir();
  const maybe = root ? it : it.skip;

  maybe('Cora: JSON decode matches SOURCE.txt counts, and the raw pickles assemble to the same graph', () => {
    const js = loadPlanetoidJson(path.join(root as string, 'planetoid/json/cora.gcn.json'));
    expect([js.graph.numNodes, js.numFeatures, js.numClasses, numUndirectedEdges(js.graph)]).toEqual([2708, 1433, 7, 5278]);
    expect(js.features.reduce((s, v) => s + v, 0)).toBe(49216);
    expect([js.splits[0].train.length, js.splits[0].val.length, js.splits[0].test.length]).toEqual([140, 500, 1000]);
    const raw = loadPlanetoidRaw(path.join(root as string, 'planetoid/raw'), 'cora');
    const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
    // jest's deep equality is very slow on 3.9M-entry typed arrays; compare directly.
    expect(same(raw.features, js.features)).toBe(true);
    expect(same(raw.labels, js.labels)).toBe(true);
    expect(same(raw.graph.indptr, js.graph.indptr)).toBe(true);
    expect(same(raw.graph.indices, js.graph.indices)).toBe(true);
    expect(Array.from(raw.splits[0].test)).toEqual(Array.from(js.splits[0].test));
    expect(Array.from(raw.splits[0].val)).toEqual(Array.from(js.splits[0].val));
  });

  maybe('TU MUTAG and PROTEINS counts', () => {
    const m = loadTU(path.join(root as string, 'graphs/MUTAG'));
    expect(m.graphs.length).toBe(188);
    expect(m.graphs.reduce((s, g) => s + g.graph.numNodes, 0)).toBe(3371);
    expect(m.graphs.reduce((s, g) => s + numUndirectedEdges(g.graph), 0)).toBe(3721);
    expect(m.graphs.filter((g) => g.label === 0).length).toBe(63);
    const p = loadTU(path.join(root as string, 'graphs/PROTEINS'));
    expect(p.graphs.length).toBe(1113);
    expect(p.graphs.reduce((s, g) => s + g.graph.numNodes, 0)).toBe(43471);
    expect(p.numFeatures).toBe(4);
  });

  maybe('Geom-GCN texas and film, heterophily npz chameleon', () => {
    const t = loadGeomGcn(path.join(root as string, 'graphs/texas'));
    expect([t.graph.numNodes, t.numFeatures, t.numClasses, t.splits.length]).toEqual([183, 1703, 5, 10]);
    expect([t.splits[0].train.length, t.splits[0].val.length, t.splits[0].test.length]).toEqual([87, 59, 37]);
    const f = loadGeomGcn(path.join(root as string, 'graphs/film'));
    expect([f.graph.numNodes, f.numFeatures, f.numClasses]).toEqual([7600, 932, 5]);
    expect(numUndirectedEdges(f.graph)).toBe(26752 - 93); // self-loops dropped
    const c = loadHeterophilyNpz(path.join(root as string, 'graphs/chameleon/chameleon.npz'));
    expect([c.graph.numNodes, c.numFeatures, c.numClasses, c.splits.length]).toEqual([2277, 2325, 5, 10]);
    expect([c.splits[0].train.length, c.splits[0].val.length, c.splits[0].test.length]).toEqual([1092, 729, 456]);
  });
});
