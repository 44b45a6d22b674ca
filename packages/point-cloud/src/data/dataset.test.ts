import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mulberry32 } from '@statespace/ssm-core';
import { loadDataset, prepareDataset } from './dataset';
import { writeHdf5 } from './hdf5';
import { writePcd } from './pcd';
import { stratifiedHoldout } from './split';
import { augment, rotateAboutUp } from './augment';
import { HAVE_MODELNET10, MODELNET10 } from '../testing/data';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-dataset-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('dataset layouts', () => {
  it('recognizes the raw .bin + labels JSON folder by split, and names bad files', async () => {
    const d = path.join(tmp, 'bin');
    fs.mkdirSync(d);
    const pts = Float32Array.from({ length: 3 * 4 * 3 }, (_, i) => i);
    fs.writeFileSync(path.join(d, 'test.bin'), new Uint8Array(pts.buffer));
    fs.writeFileSync(path.join(d, 'test_labels.json'), '[0, 1, 1]');
    fs.writeFileSync(path.join(d, 'classes.json'), '["a", "b"]');
    const ds = await loadDataset(d, 'test');
    expect([ds.numShapes, ds.numPoints, Array.from(ds.labels)]).toEqual([3, 4, [0, 1, 1]]);
    expect(ds.points[35]).toBe(35);
    fs.writeFileSync(path.join(d, 'test_labels.json'), '[0, 2, 1]');
    await expect(loadDataset(d, 'test')).rejects.toThrow(/test_labels\.json: entry 1: expected a class index in \[0, 2\), received 2/);
    fs.writeFileSync(path.join(d, 'test_labels.json'), '[0, 1,\n 1');
    await expect(loadDataset(d, 'test')).rejects.toThrow(/test_labels\.json: line 2: invalid JSON/);
    fs.writeFileSync(path.join(d, 'test_labels.json'), '[0, 1]');
    fs.writeFileSync(path.join(d, 'test.bin'), new Uint8Array(pts.buffer).subarray(0, 100));
    await expect(loadDataset(d, 'test')).rejects.toThrow(/test\.bin: byte 100: size 100 bytes is not 2 shapes/);
  });
  it('loads the real ModelNet10 training split and normalizes it', async () => {
    if (!HAVE_MODELNET10) return;
    const ds = await loadDataset(MODELNET10, 'train');
    expect([ds.numShapes, ds.numPoints, ds.classes.length]).toEqual([3802, 1024, 10]);
    const p = prepareDataset({ ...ds, numShapes: 2, points: ds.points.subarray(0, 2 * 1024 * 3) });
    let r = 0;
    for (let i = 0; i < 1024; i++) r = Math.max(r, Math.hypot(p.points[3 * i], p.points[3 * i + 1], p.points[3 * i + 2]));
    expect(r).toBeCloseTo(1, 5);
  });
  it('reads ModelNet40-style HDF5 (ply_data_*.h5) written here with h5wasm', async () => {
    const d = path.join(tmp, 'h5');
    fs.mkdirSync(d);
    const data = Float32Array.from({ length: 2 * 5 * 3 }, (_, i) => i / 10);
    await writeHdf5(path.join(d, 'ply_data_train0.h5'), [
      { name: 'data', data, shape: [2, 5, 3], dtype: '<f' }, { name: 'label', data: Uint8Array.from([3, 1]), shape: [2, 1], dtype: '<B' }]);
    fs.writeFileSync(path.join(d, 'shape_names.txt'), 'a\nb\nc\nd\n');
    const ds = await loadDataset(d, 'train');
    expect([ds.numShapes, ds.numPoints, Array.from(ds.labels), ds.classes]).toEqual([2, 5, [3, 1], ['a', 'b', 'c', 'd']]);
    expect(ds.points[29]).toBeCloseTo(2.9, 6);
    await writeHdf5(path.join(d, 'ply_data_train1.h5'), [{ name: 'points', data, shape: [2, 5, 3], dtype: '<f' }]);
    await expect(loadDataset(d, 'train')).rejects.toThrow(/ply_data_train1\.h5: HDF5 root: expected datasets 'data' and 'label', found points/);
    fs.writeFileSync(path.join(d, 'ply_data_train1.h5'), 'not hdf5');
    await expect(loadDataset(d, 'train')).rejects.toThrow(/ply_data_train1\.h5: not a readable HDF5 file/);
  });
  it('reads <class>/<split>/ folders of point files', async () => {
    const d = path.join(tmp, 'cls');
    for (const c of ['cup', 'mug']) {
      fs.mkdirSync(path.join(d, c, 'test'), { recursive: true });
      fs.writeFileSync(path.join(d, c, 'test', `${c}_1.pcd`), writePcd({ positions: Float32Array.from([0, 0, 0, 1, 1, 1]), count: 2 }, 'ascii'));
    }
    const ds = await loadDataset(d, 'test', { numPoints: 4 });
    expect([ds.numShapes, ds.numPoints, ds.classes, Array.from(ds.labels)]).toEqual([2, 4, ['cup', 'mug'], [0, 1]]);
  });
});

describe('split and augmentations', () => {
  it('holds out a stratified, seeded fraction', () => {
    const labels = [...Array(100).fill(0), ...Array(20).fill(1)];
    const a = stratifiedHoldout(labels, 0.15, 0), b = stratifiedHoldout(labels, 0.15, 0);
    expect(Array.from(a.holdout)).toEqual(Array.from(b.holdout));
    expect(a.holdout.filter((i) => labels[i] === 0).length).toBe(15);
    expect(a.holdout.filter((i) => labels[i] === 1).length).toBe(3);
    expect(new Set([...a.train, ...a.holdout]).size).toBe(120);
  });
  it('rotation about the up axis keeps heights and radii; augment changes the cloud', () => {
    const p = Float32Array.from([1, 0, 0.5, 0, 2, -1]);
    const q = rotateAboutUp(p.slice(), mulberry32(1), 2, Math.PI / 2);
    expect(Array.from(q).map((v) => +v.toFixed(6))).toEqual([0, 1, 0.5, -2, 0, -1]);
    const r = augment(p.slice(), mulberry32(2), { scale: [0.5, 2], shift: 0.2, jitter: { sigma: 0.01, clip: 0.05 }, rotateUp: true, dropout: 0.5 });
    expect(r.length).toBe(6);
    expect(Array.from(r)).not.toEqual(Array.from(p));
  });
});
