/**
 * Every exported layer in one functional model: saved through fileSystemIO and the file:// routers,
 * loaded with tf.loadLayersModel, must give the same outputs and weights. Also: the step state of
 * every causal layer has a size that does not grow with the number of tokens fed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../testing/backends';
import { expectClose, rand } from '../testing/compare';
import { fileSystemIO } from '../io/fileSystemIO';
import { registerFileSystemRouters } from '../io/fileRouters';
import { H3, LongConv, S4, S4D } from './lti';
import { BiMamba, Block, Mamba } from './mamba';
import { Hydra, Mamba2 } from './mamba2';
import { MambaMixer } from './mamba-mixer';
import { DropPath, RMSNorm, RMSNormGated } from './norm';

const [B, L, H] = [2, 7, 4];

/** x → every layer in turn → RMSNormGated([h, x]). Class names listed so the test sees none is missing. */
function buildAllLayersModel(): { model: tfl.LayersModel; classes: string[] } {
  const x = tfl.input({ shape: [L, H] });
  const layers: tfl.layers.Layer[] = [
    new S4D({ dState: 4, seed: 1, dtMin: 0.05, dtMax: 0.5 }),
    new S4D({ dState: 4, seed: 2, bidirectional: true }),
    new S4({ dState: 4, seed: 3 }),
    new LongConv({ kernelLength: 5, seed: 4, kernelDropout: 0, lambda: 0 }),
    new H3({ dState: 4, seed: 5 }),
    new Mamba({ dModel: H, dState: 4, seed: 6 }),
    new BiMamba({ dModel: H, dState: 4, seed: 7 }),
    new Block({ mixer: new Mamba({ dModel: H, dState: 4, seed: 8 }), dropPath: 0.1, seed: 9 }),
    new Mamba2({ dState: 4, headDim: 4, chunkSize: 4, seed: 10 }),
    new Hydra({ dState: 4, headDim: 4, chunkSize: 4, seed: 11 }),
    new MambaMixer({ dModel: H, nLayers: 1, dState: 4, seed: 13 }),
    new RMSNorm({}),
    new DropPath({ rate: 0.2, seed: 12 }),
  ];
  let h: tfl.SymbolicTensor = x;
  for (const layer of layers) h = layer.apply(h) as tfl.SymbolicTensor;
  const gated = new RMSNormGated({ groupSize: 2 });
  const y = gated.apply([h, x]) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: x, outputs: y });
  return { model, classes: [...layers, gated].map((l) => l.getClassName()) };
}

function expectSameWeights(a: tfl.LayersModel, b: tfl.LayersModel): void {
  // tfjs makes variable names unique per process, so a loaded copy's names get a `_<n>` suffix.
  const esc = (n: string) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const names = b.weights.map((w, i) => (new RegExp(`^${esc(a.weights[i].name)}(_\\d+)?$`).test(w.name) ? a.weights[i].name : w.name));
  expect(names).toEqual(a.weights.map((w) => w.name));
  const wa = a.getWeights();
  const wb = b.getWeights();
  wa.forEach((t, i) => {
    expect(wb[i].shape).toEqual(t.shape);
    expect(Array.from(wb[i].dataSync())).toEqual(Array.from(t.dataSync()));
  });
}

const tmpDirs: string[] = [];
const tmpFilesUnder = (d: string): string[] =>
  fs.readdirSync(d, { recursive: true }).map(String).filter((f) => /\.tmp$|\.tmp[-.]/.test(f) || f.includes('.tmp'));

describe('every layer in one model: save / load round trip', () => {
  beforeAll(() => useBackend('cpu'));
  afterAll(() => {
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('has every exported layer class', () => {
    const { model, classes } = buildAllLayersModel();
    expect([...new Set(classes)].sort()).toEqual(
      ['BiMamba', 'Block', 'DropPath', 'H3', 'Hydra', 'LongConv', 'Mamba', 'Mamba2', 'MambaMixer', 'RMSNorm', 'RMSNormGated', 'S4', 'S4D'].sort());
    model.dispose();
  });

  it('fileSystemIO and file:// routers: identical outputs (1e-6) and weights, no temporary files, no leaks', async () => {
    registerFileSystemRouters();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-roundtrip-'));
    tmpDirs.push(root);
    const { model } = buildAllLayersModel();
    const x = rand([B, L, H], 21);
    const want = model.predict(x) as tf.Tensor;
    const start = tf.memory().numTensors;

    const dirA = path.join(root, 'a');
    await model.save(fileSystemIO(dirA));
    const dirB = path.join(root, 'b');
    await model.save(`file://${dirB}`);
    expect(fs.readdirSync(dirA).sort()).toEqual(['model.json', 'weights.bin']);
    expect(fs.readdirSync(dirB).sort()).toEqual(['model.json', 'weights.bin']);
    expect(tmpFilesUnder(root)).toEqual([]);
    expect(fs.statSync(path.join(dirA, 'weights.bin')).size).toBe(model.countParams() * 4);

    const loadedModels = [
      await tfl.loadLayersModel(fileSystemIO(dirA)),
      await tfl.loadLayersModel(`file://${path.join(dirB, 'model.json')}`),
      await tfl.loadLayersModel(`file://${dirB}`),
    ];
    for (const loaded of loadedModels) {
      expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
      expectSameWeights(model, loaded);
      const got = loaded.predict(x) as tf.Tensor;
      expectClose(got, want, 1e-6, 0, 'round trip');
      got.dispose();
      loaded.dispose();
    }
    expect(tmpFilesUnder(root)).toEqual([]);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, want]);
    model.dispose();
  });
});

type Stepper = tfl.layers.Layer & {
  initialState(batch: number): tf.Tensor[];
  step(state: tf.Tensor[], x: tf.Tensor): { y: tf.Tensor; state: tf.Tensor[] };
};

describe('step state size does not grow with the tokens fed', () => {
  beforeAll(() => useBackend('cpu'));

  // Every case has 3 entries: jest passes `done` as an extra argument when a case is shorter than the callback.
  const cases: Array<[string, () => Stepper, ((s: tf.Tensor[]) => void) | null]> = [
    ['S4D', () => new S4D({ dState: 4, seed: 1 }), null],
    ['S4', () => new S4({ dState: 4, seed: 2 }), null],
    ['H3', () => new H3({ dState: 4, seed: 3 }), null],
    ['Mamba', () => new Mamba({ dModel: H, dState: 4, seed: 4 }), null],
    ['Mamba2', () => new Mamba2({ dState: 4, headDim: 4, chunkSize: 4, seed: 5 }), null],
    ['Block(Mamba)', () => new Block({ mixer: new Mamba({ dModel: H, dState: 4, seed: 6 }) }), null],
    // LongConv keeps the last Lk − 1 inputs: bounded by the kernel length, not by the tokens fed.
    ['LongConv', () => new LongConv({ kernelLength: 6, seed: 7 }),
      (s) => expect(s.map((t) => t.shape)).toEqual([[1, 5, H]])],
  ];

  it.each(cases)('%s: feed 1 token, then 50 more one at a time: same state shapes and sizes; no leaks', (_name, make, bound) => {
    const layer = make();
    layer.apply(tf.zeros([1, 3, H])); // build
    const shapesOf = (s: tf.Tensor[]) => s.map((t) => [t.shape, t.size]);
    const before = tf.memory().numTensors;
    let state = layer.initialState(1);
    const feed = (t: number) => {
      const x = rand([1, 1, H], 100 + t);
      const r = layer.step(state, x);
      tf.dispose([x, r.y, ...state]);
      state = r.state;
    };
    feed(0);
    const after1 = shapesOf(state);
    if (bound) bound(state);
    for (let t = 1; t <= 50; t++) feed(t);
    expect(shapesOf(state)).toEqual(after1);
    if (bound) bound(state);
    // A 50-token chunk in one step leaves the same state size too.
    const chunk = rand([1, 50, H], 999);
    const r = layer.step(state, chunk);
    expect(shapesOf(r.state)).toEqual(after1);
    tf.dispose([chunk, r.y, ...r.state, ...state]);
    expect(tf.memory().numTensors).toBe(before);
    layer.dispose();
  });
});
