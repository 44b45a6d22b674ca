import * as fs from 'fs';
import * as path from 'path';
import { normalizeToUnitSphere, resample } from '../geometry/normalize';
import { readHdf5 } from './hdf5';
import { loadPointCloudFile, POINT_FILE_EXTENSIONS } from './loadFile';
import { byteError, PointCloudFormatError } from './types';

/** A labelled set of clouds with the same number of points: points (S, N, 3) flat. */
export interface PointDataset {
  points: Float32Array;
  numShapes: number;
  numPoints: number;
  labels: Int32Array;
  classes: string[];
  ids?: string[];
  source: string;
}

function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new PointCloudFormatError(file, line ? `line ${line}` : 'JSON', `invalid JSON (${(e as Error).message})`);
  }
}

function labelArray(file: string, v: unknown, numClasses: number): Int32Array {
  if (!Array.isArray(v)) throw new PointCloudFormatError(file, 'JSON', `expected an array of class indices, received ${typeof v}`);
  return Int32Array.from(v, (x, i) => {
    if (!Number.isInteger(x) || x < 0 || x >= numClasses) throw new PointCloudFormatError(file, `entry ${i}`, `expected a class index in [0, ${numClasses}), received ${JSON.stringify(x)}`);
    return x as number;
  });
}

/** The raw float32 layout of ../shared/datasets/modelnet10: <split>.bin, <split>_labels.json, classes.json, <split>_ids.json. */
export function loadBinSplit(dir: string, split: string): PointDataset {
  const bin = path.join(dir, `${split}.bin`);
  const classesFile = path.join(dir, 'classes.json');
  const classes = readJson(classesFile);
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) throw new PointCloudFormatError(classesFile, 'JSON', 'expected an array of class names');
  const labels = labelArray(path.join(dir, `${split}_labels.json`), readJson(path.join(dir, `${split}_labels.json`)), classes.length);
  const buf = fs.readFileSync(bin);
  const S = labels.length;
  if (S === 0 || buf.length % (S * 12) !== 0) {
    throw byteError(bin, buf.length, `size ${buf.length} bytes is not ${S} shapes × N points × 12 bytes (float32 xyz), as ${split}_labels.json implies`);
  }
  const points = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)); // little-endian hosts
  const idsFile = path.join(dir, `${split}_ids.json`);
  const ids = fs.existsSync(idsFile) ? (readJson(idsFile) as string[]) : undefined;
  return { points, numShapes: S, numPoints: buf.length / (S * 12), labels, classes: classes as string[], ids, source: bin };
}

/** ModelNet40's ply_data_<split>*.h5 files (datasets 'data' (S, N, 3) float32 and 'label' (S, 1)) in a folder, or one .h5 file. */
export async function loadHdf5Split(p: string, split: string): Promise<PointDataset> {
  const files = fs.statSync(p).isDirectory()
    ? fs.readdirSync(p).filter((f) => f.endsWith('.h5') && f.includes(split)).sort().map((f) => path.join(p, f)) : [p];
  if (files.length === 0) throw new Error(`${p}: no *${split}*.h5 files found`);
  const dir = fs.statSync(p).isDirectory() ? p : path.dirname(p);
  const namesFile = ['shape_names.txt', 'classes.txt'].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  const parts: Float32Array[] = [], labels: number[] = [];
  let N = -1;
  for (const f of files) {
    const { datasets, keys } = await readHdf5(f, ['data', 'label']);
    const d = datasets.data, l = datasets.label;
    if (!d || !l) throw new PointCloudFormatError(f, 'HDF5 root', `expected datasets 'data' and 'label', found ${keys.join(', ')}`);
    if (d.shape.length !== 3 || d.shape[2] < 3) throw new PointCloudFormatError(f, "dataset 'data'", `expected shape (S, N, 3), received (${d.shape.join(', ')})`);
    if (l.shape[0] !== d.shape[0]) throw new PointCloudFormatError(f, "dataset 'label'", `has ${l.shape[0]} rows, 'data' has ${d.shape[0]}`);
    if (N >= 0 && d.shape[1] !== N) throw new PointCloudFormatError(f, "dataset 'data'", `has ${d.shape[1]} points per shape, earlier files ${N}`);
    N = d.shape[1];
    const C = d.shape[2];
    const xyz = new Float32Array(d.shape[0] * N * 3);
    for (let i = 0; i < d.shape[0] * N; i++) for (let a = 0; a < 3; a++) xyz[3 * i + a] = d.value[i * C + a];
    parts.push(xyz);
    for (let i = 0; i < l.shape[0]; i++) labels.push(Number(l.value[i * (l.shape[1] ?? 1)]));
  }
  const points = new Float32Array(parts.reduce((s, x) => s + x.length, 0));
  let o = 0;
  for (const x of parts) { points.set(x, o); o += x.length; }
  const numClasses = Math.max(...labels) + 1;
  const classes = namesFile ? fs.readFileSync(namesFile, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean) : Array.from({ length: numClasses }, (_, i) => `class_${i}`);
  return { points, numShapes: labels.length, numPoints: N, labels: Int32Array.from(labels), classes, source: files.join(',') };
}

/** Class folders of point files: <root>/<class>/<split>/<file> (ModelNet's layout) or <root>/<class>/<file>. */
export function loadClassFolders(root: string, split: string, numPoints: number): PointDataset {
  const classes = fs.readdirSync(root).filter((c) => fs.statSync(path.join(root, c)).isDirectory()).sort();
  const clouds: Float32Array[] = [], labels: number[] = [], ids: string[] = [];
  classes.forEach((c, ci) => {
    const d = fs.existsSync(path.join(root, c, split)) ? path.join(root, c, split) : path.join(root, c);
    for (const f of fs.readdirSync(d).sort()) {
      if (!POINT_FILE_EXTENSIONS.includes(path.extname(f).toLowerCase())) continue;
      const pc = loadPointCloudFile(path.join(d, f));
      clouds.push(resample(pc.positions, numPoints));
      labels.push(ci);
      ids.push(path.basename(f, path.extname(f)));
    }
  });
  if (clouds.length === 0) throw new Error(`${root}: no point files (${POINT_FILE_EXTENSIONS.join(' ')}) in <class>/${split}/ folders`);
  const points = new Float32Array(clouds.length * numPoints * 3);
  clouds.forEach((c, i) => points.set(c, i * numPoints * 3));
  return { points, numShapes: clouds.length, numPoints, labels: Int32Array.from(labels), classes, ids, source: root };
}

/** Recognizes the layout at `p` (raw .bin folder, HDF5 file/folder, class folders) and loads `split`. */
export async function loadDataset(p: string, split = 'train', o: { numPoints?: number } = {}): Promise<PointDataset> {
  if (!fs.existsSync(p)) throw new Error(`dataset path ${p} does not exist`);
  const isDir = fs.statSync(p).isDirectory();
  if (!isDir && p.endsWith('.bin')) return loadBinSplit(path.dirname(p), path.basename(p, '.bin'));
  if (isDir && fs.existsSync(path.join(p, `${split}.bin`))) return loadBinSplit(p, split);
  if (p.endsWith('.h5') || (isDir && fs.readdirSync(p).some((f) => f.endsWith('.h5')))) return loadHdf5Split(p, split);
  if (isDir) return loadClassFolders(p, split, o.numPoints ?? 1024);
  throw new Error(`dataset path ${p}: expected a folder with ${split}.bin + ${split}_labels.json + classes.json, ModelNet40 .h5 files, or <class>/${split}/ point files`);
}

/** Normalizes every shape to the unit sphere and resamples to `numPoints` (first points, or random with an rng). */
export function prepareDataset(ds: PointDataset, numPoints = ds.numPoints): PointDataset {
  const out = new Float32Array(ds.numShapes * numPoints * 3);
  for (let s = 0; s < ds.numShapes; s++) {
    const c = ds.points.slice(s * ds.numPoints * 3, (s + 1) * ds.numPoints * 3);
    normalizeToUnitSphere(c);
    out.set(numPoints === ds.numPoints ? c : resample(c, numPoints, { method: numPoints < ds.numPoints ? 'fps' : 'first' }), s * numPoints * 3);
  }
  return { ...ds, points: out, numPoints };
}
