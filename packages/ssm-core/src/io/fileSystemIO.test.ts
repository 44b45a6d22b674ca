import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '../testing/backends';
import { fileSystemIO, MODEL_JSON, WEIGHTS_BIN } from './fileSystemIO';
import { registerFileSystemRouters } from './fileRouters';

function makeModel(seed: number): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.conv1d({ inputShape: [6, 3], filters: 4, kernelSize: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
  model.add(tfl.layers.layerNormalization());
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 2, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }));
  return model;
}

/** Bit-identical predictions: the same weights must give the same float32 results. */
function expectSame(actual: tf.Tensor, expected: tf.Tensor): void {
  expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
}

const tmpDirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-io-'));
  tmpDirs.push(d);
  return d;
}
const tmpFilesIn = (d: string) => fs.readdirSync(d).filter((f) => f.endsWith('.tmp'));

beforeAll(() => useBackend('cpu'));
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('fileSystemIO', () => {
  const x = () => tf.randomUniform([3, 6, 3], -1, 1, 'float32', 7);

  it('round-trips a layers model through the handler: same predictions, standard model.json', async () => {
    const dir = path.join(tmpDir(), 'nested', 'model'); // created on save
    const model = makeModel(1);
    await model.save(fileSystemIO(dir));
    expect(fs.readdirSync(dir).sort()).toEqual([MODEL_JSON, WEIGHTS_BIN]);
    const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.weightsManifest[0].paths).toEqual([WEIGHTS_BIN]);
    const nParams = model.countParams();
    expect(fs.statSync(path.join(dir, WEIGHTS_BIN)).size).toBe(nParams * 4);

    const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
    const input = x();
    const a = model.predict(input) as tf.Tensor;
    const b = loaded.predict(input) as tf.Tensor;
    expectSame(b, a);
    tf.dispose([input, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('round-trips through the file:// routers (directory and model.json URLs), with metadata', async () => {
    registerFileSystemRouters();
    expect(registerFileSystemRouters()).toBe(false); // idempotent
    const dir = tmpDir();
    const model = makeModel(3);
    model.setUserDefinedMetadata({ note: 'hello' });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await model.save(`file://${dir}`, { includeOptimizer: true });
    const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8'));
    expect(json.userDefinedMetadata).toEqual({ note: 'hello' });
    expect(json.trainingConfig.loss).toBe('mean_squared_error');
    const input = x();
    const a = model.predict(input) as tf.Tensor;
    for (const url of [`file://${path.join(dir, MODEL_JSON)}`, `file://${dir}`]) {
      const loaded = await tfl.loadLayersModel(url);
      expect(loaded.getUserDefinedMetadata()).toEqual({ note: 'hello' });
      const b = loaded.predict(input) as tf.Tensor;
      expectSame(b, a);
      b.dispose();
      loaded.dispose();
    }
    tf.dispose([input, a]);
    model.dispose();
  });

  it('accepts weight data as ArrayBuffer[] (shards) and writes them in order', async () => {
    const dir = tmpDir();
    const specs: tf.io.WeightsManifestEntry[] = [{ name: 'a', shape: [2], dtype: 'float32' }, { name: 'b', shape: [3], dtype: 'int32' }];
    const shardA = new Float32Array([1.5, -2]).buffer;
    const shardB = new Int32Array([7, 8, 9]).buffer;
    await fileSystemIO(dir).save({ modelTopology: { k: 1 }, weightSpecs: specs, weightData: [shardA, shardB], format: 'test' });
    const art = await fileSystemIO(dir).load();
    const buf = art.weightData as ArrayBuffer;
    expect(Array.from(new Float32Array(buf, 0, 2))).toEqual([1.5, -2]);
    expect(Array.from(new Int32Array(buf, 8, 3))).toEqual([7, 8, 9]);
    expect(art.weightSpecs).toEqual(specs);
    expect(art.format).toBe('test');
  });

  it('is atomic: no temporaries left, and a failure mid-save keeps the previous files intact', async () => {
    const dir = tmpDir();
    const first = makeModel(5);
    await first.save(fileSystemIO(dir));
    expect(tmpFilesIn(dir)).toEqual([]);
    const jsonBefore = fs.readFileSync(path.join(dir, MODEL_JSON));
    const binBefore = fs.readFileSync(path.join(dir, WEIGHTS_BIN));

    const second = makeModel(11); // different weights
    const failing = fileSystemIO(dir, { beforeCommit: (target) => {
      if (target.endsWith(WEIGHTS_BIN)) throw new Error('simulated crash before weights rename');
    } });
    await expect(second.save(failing)).rejects.toThrow(/simulated crash/);
    expect(tmpFilesIn(dir)).toEqual([]);
    expect(fs.readFileSync(path.join(dir, MODEL_JSON)).equals(jsonBefore)).toBe(true);
    expect(fs.readFileSync(path.join(dir, WEIGHTS_BIN)).equals(binBefore)).toBe(true);

    // A write that fails on the file system (target name is an existing directory) behaves the same.
    const blocked = tmpDir();
    await first.save(fileSystemIO(blocked));
    fs.rmSync(path.join(blocked, MODEL_JSON));
    fs.mkdirSync(path.join(blocked, MODEL_JSON));
    await expect(second.save(fileSystemIO(blocked))).rejects.toThrow();
    expect(tmpFilesIn(blocked)).toEqual([]);

    const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
    const input = x();
    const a = first.predict(input) as tf.Tensor;
    const b = loaded.predict(input) as tf.Tensor;
    expectSame(b, a);
    tf.dispose([input, a, b]);
    [first, second, loaded].forEach((m) => m.dispose());
  });

  it('fails clearly on a missing model.json, a missing or truncated weights.bin, and malformed JSON', async () => {
    const empty = tmpDir();
    await expect(fileSystemIO(empty).load()).rejects.toThrow(new RegExp(`model file not found: .*${path.join(empty, MODEL_JSON).replace(/[/\\.]/g, '\\$&')}`));

    const dir = tmpDir();
    const model = makeModel(2);
    await model.save(fileSystemIO(dir));
    const bin = path.join(dir, WEIGHTS_BIN);
    const full = fs.readFileSync(bin);
    fs.writeFileSync(bin, full.subarray(0, full.length - 8));
    await expect(fileSystemIO(dir).load()).rejects.toThrow(
      new RegExp(`weights file .*weights\\.bin has ${full.length - 8} bytes, expected ${full.length} bytes`));
    fs.rmSync(bin);
    await expect(fileSystemIO(dir).load()).rejects.toThrow(/weights file not found: .*weights\.bin/);

    fs.writeFileSync(path.join(dir, MODEL_JSON), '{"modelTopology": ');
    await expect(fileSystemIO(dir).load()).rejects.toThrow(/malformed JSON in .*model\.json/);
    fs.writeFileSync(path.join(dir, MODEL_JSON), '[1,2]');
    await expect(fileSystemIO(dir).load()).rejects.toThrow(/malformed model file .*model\.json: expected a JSON object/);
    expect(() => fileSystemIO('')).toThrow(/argument 'dir' must be a non-empty path/);
    const specs: tf.io.WeightsManifestEntry[] = [{ name: 'a', shape: [3], dtype: 'float32' }];
    await expect(fileSystemIO(path.join(empty, 'x')).save({ modelTopology: {}, weightSpecs: specs, weightData: new ArrayBuffer(8) }))
      .rejects.toThrow(/weight data has 8 bytes, but the weight specs describe 12 bytes/);
    expect(fs.existsSync(path.join(empty, 'x'))).toBe(false);
    model.dispose();
  });
});
