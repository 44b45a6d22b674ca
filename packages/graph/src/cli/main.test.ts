import * as fs from 'fs';
import * as path from 'path';
import { zipSync } from 'fflate';
import { tmpDir, write } from '../testing/testUtil';
import { main } from './main';

/** Runs the CLI in-process and returns its exit code and captured stdout / stderr. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

function npyBool(v: number[]): Uint8Array {
  let header = `{'descr': '|b1', 'fortran_order': False, 'shape': (${v.length},), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const b = new Uint8Array(10 + header.length + v.length);
  b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
  b.set(Buffer.from(header, 'latin1'), 10);
  b.set(v, 10 + header.length);
  return b;
}

describe('statespace-graph CLI', () => {
  const dir = tmpDir('graph-cli-');
  // A 12-node two-community graph in Geom-GCN text form with one split.
  const geo = path.join(dir, 'toy');
  const rows = Array.from({ length: 12 }, (_, i) => `${i}\t${i < 6 ? '1,0,0' : '0,1,0'}\t${i < 6 ? 0 : 1}`);
  write(geo, 'out1_node_feature_label.txt', `node_id\tfeature\tlabel\n${rows.join('\n')}\n`);
  const edges = Array.from({ length: 11 }, (_, i) => `${i}\t${i + 1}`);
  write(geo, 'out1_graph_edges.txt', `node_id\tnode_id\n${edges.join('\n')}\n`);
  const m = (f: (i: number) => boolean): Uint8Array => npyBool(Array.from({ length: 12 }, (_, i) => (f(i) ? 1 : 0)));
  write(geo, 'splits/toy_split_0.6_0.2_0.npz', zipSync({ 'train_mask.npy': m((i) => i % 3 === 0), 'val_mask.npy': m((i) => i % 3 === 1), 'test_mask.npy': m((i) => i % 3 === 2) }));
  // A TU dataset of 8 small graphs (paths and triangles).
  const tu = path.join(dir, 'TOY');
  const A: string[] = [];
  const ind: string[] = [];
  let base = 0;
  for (let g = 0; g < 8; g++) {
    const n = 3;
    for (let v = 0; v < n; v++) ind.push(String(g + 1));
    const es = g % 2 ? [[0, 1], [1, 2], [2, 0]] : [[0, 1], [1, 2]];
    for (const [a, b] of es) A.push(`${base + a + 1}, ${base + b + 1}`, `${base + b + 1}, ${base + a + 1}`);
    base += n;
  }
  write(tu, 'TOY_A.txt', `${A.join('\n')}\n`);
  write(tu, 'TOY_graph_indicator.txt', `${ind.join('\n')}\n`);
  write(tu, 'TOY_graph_labels.txt', `${Array.from({ length: 8 }, (_, g) => (g % 2 ? 1 : 0)).join('\n')}\n`);

  it('train (node, gmn) prints the JSON result last; --resume continues from the checkpoint', async () => {
    const out = path.join(dir, 'run');
    const args = ['train', '--data', geo, '--model', 'gmn', '--config', 'micro', '--epochs', '2', '--out', out, '--json', '--quiet', '--backend', 'cpu'];
    const r = await run(args);
    expect(r.code).toBe(0);
    const last = JSON.parse(r.out.trim().split('\n').pop() as string);
    expect(Object.keys(last).sort()).toEqual(['accuracy', 'dataset', 'model', 'seeds_or_folds', 'std', 'task', 'train_seconds']);
    expect(last).toMatchObject({ dataset: 'toy', model: 'gmn', task: 'node', seeds_or_folds: 1 });
    expect(fs.existsSync(path.join(out, 'checkpoints', 'last'))).toBe(true);
    const again = await run(['train', '--data', geo, '--model', 'gmn', '--config', 'micro', '--epochs', '3', '--out', out, '--json', '--quiet', '--backend', 'cpu', '--resume']);
    expect(again.code).toBe(0);
    const state = JSON.parse(fs.readFileSync(path.join(out, 'checkpoints', 'last', 'state.json'), 'utf8'));
    expect(state.epoch ?? state.history?.length).toBe(3);
    const ev = await run(['evaluate', '--data', geo, '--out', out, '--json', '--backend', 'cpu']);
    expect(ev.code).toBe(0);
    expect(JSON.parse(ev.out.trim().split('\n').pop() as string).accuracy).toBeGreaterThanOrEqual(0);
  });

  it('train (graph, gcn) runs stratified k-fold CV', async () => {
    const r = await run(['train', '--data', tu, '--model', 'gcn', '--config', 'micro', '--epochs', '1', '--folds', '2', '--json', '--quiet', '--backend', 'cpu']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.trim().split('\n').pop() as string)).toMatchObject({ dataset: 'TOY', task: 'graph', seeds_or_folds: 2 });
  });

  it('bad flags and data are usage errors naming the flag', async () => {
    const r = await run(['train', '--data', geo, '--model', 'gat']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--model/);
    const r2 = await run(['train', '--data', path.join(dir, 'nope')]);
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/--data: '.*nope' does not exist/);
    const r3 = await run(['train', '--data', tu, '--task', 'node', '--backend', 'cpu']);
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/--task node does not fit/);
  });
});
