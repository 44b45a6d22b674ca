import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemIO } from '../../io/fileSystemIO';
import { writeFileAtomically, fsyncDirectory } from '../../io/atomicWrite';
import type { AdamW } from '../adamw';
import type { EpochRecord, FitState } from './types';

export const STATE_JSON = 'state.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

const exists = (p: string) => fs.existsSync(p);
const suffix = () => `${process.pid}-${randomBytes(4).toString('hex')}`;

async function writeFileSafely(file: string, data: Uint8Array): Promise<void> {
  await writeFileAtomically.commit(await writeFileAtomically.prepare(file, [data]));
}

/**
 * Replaces directory `target` by `tmp`. A directory cannot be renamed over a non-empty one, so the old
 * one is first moved aside to `.<name>.old-*`; a crash between the two renames leaves that complete
 * copy, which resolveCheckpointDir() falls back to.
 */
async function swapDirectory(tmp: string, target: string): Promise<void> {
  const parent = path.dirname(target);
  const old = path.join(parent, `.${path.basename(target)}.old-${suffix()}`);
  const hadOld = exists(target);
  if (hadOld) await fs.promises.rename(target, old);
  try {
    await fs.promises.rename(tmp, target);
  } catch (e) {
    if (hadOld) await fs.promises.rename(old, target).catch(() => undefined);
    throw e;
  }
  await fsyncDirectory(parent);
  if (hadOld) await fs.promises.rm(old, { recursive: true, force: true });
  await removeStale(target); // older copies, e.g. the one a resume started from
}

/** Leftovers of interrupted writes next to `target` (temp dirs always; old copies once target is back). */
async function removeStale(target: string): Promise<void> {
  const parent = path.dirname(target);
  const base = path.basename(target);
  if (!exists(parent)) return;
  for (const name of await fs.promises.readdir(parent)) {
    const stale = name.startsWith(`.${base}.tmp-`) || (name.startsWith(`.${base}.old-`) && exists(path.join(target, STATE_JSON)));
    if (stale) await fs.promises.rm(path.join(parent, name), { recursive: true, force: true });
  }
}

/**
 * Writes a complete checkpoint (model.json, weights.bin, optional optimizer.bin, state.json last) into a
 * temporary sibling directory, then swaps it in: an interrupted write never leaves `target` broken.
 */
export async function writeCheckpointDir(target: string, model: tfl.LayersModel, state: FitState,
  optimizer?: { data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] }): Promise<void> {
  target = path.resolve(target);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await removeStale(target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.tmp-${suffix()}`);
  await fs.promises.mkdir(tmp);
  try {
    await model.save(fileSystemIO(tmp));
    const full: FitState = { ...state };
    if (optimizer) {
      await writeFileSafely(path.join(tmp, OPTIMIZER_BIN), new Uint8Array(optimizer.data));
      full.optimizerSpecs = optimizer.specs;
    }
    await writeFileSafely(path.join(tmp, STATE_JSON), Buffer.from(JSON.stringify(full), 'utf8'));
    await fsyncDirectory(tmp);
    await swapDirectory(tmp, target);
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** `dir` itself when complete, else the newest complete `.<name>.old-*` left by an interrupted swap. */
export function resolveCheckpointDir(dir: string): string | undefined {
  dir = path.resolve(dir);
  if (exists(path.join(dir, STATE_JSON))) return dir;
  const parent = path.dirname(dir);
  if (!exists(parent)) return undefined;
  const olds = fs.readdirSync(parent)
    .filter((n) => n.startsWith(`.${path.basename(dir)}.old-`) && exists(path.join(parent, n, STATE_JSON)))
    .map((n) => path.join(parent, n))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return olds[0];
}

export function readState(dir: string): FitState {
  const file = path.join(dir, STATE_JSON);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`checkpoint: cannot read ${file}: ${(e as Error).message}`);
  }
  const s = parsed as FitState;
  if (s == null || typeof s !== 'object' || typeof s.epoch !== 'number' || !Array.isArray(s.history)) {
    throw new Error(`checkpoint: malformed ${file}: expected an object with 'epoch' (number) and 'history' (array)`);
  }
  return s;
}

/** Copies the checkpoint's weights into `model` (same architecture; weights matched by order). */
export async function loadWeightsInto(model: tfl.LayersModel, dir: string): Promise<void> {
  const art = await fileSystemIO(dir).load();
  const specs = art.weightSpecs ?? [];
  const weights = model.weights;
  if (specs.length !== weights.length) {
    throw new Error(`checkpoint ${dir}: has ${specs.length} weights, the model has ${weights.length}; the architecture differs`);
  }
  specs.forEach((s, i) => {
    if (s.shape.join(',') !== weights[i].shape.join(',')) {
      throw new Error(`checkpoint ${dir}: weight ${i} '${s.name}' has shape [${s.shape}], the model's '${weights[i].originalName}' has [${weights[i].shape}]`);
    }
  });
  const decoded = tf.io.decodeWeights(art.weightData!, specs);
  const list = specs.map((s) => decoded[s.name]);
  model.setWeights(list);
  tf.dispose(list);
}

/**
 * Optimizer state keyed by model weight index ('#3/m'), not by variable name: tfjs makes names unique
 * per process ('dense_Dense2/kernel'), so a model rebuilt for a resume gets different names.
 */
export async function encodeOptimizerState(optimizer: AdamW, model: tfl.LayersModel):
  Promise<{ data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] }> {
  const index = new Map(model.weights.map((w, i) => [w.name, i]));
  const named = (await optimizer.getWeights()).map(({ name, tensor }, k) => {
    if (k === 0) return { name: 'iter', tensor };
    const cut = name.lastIndexOf('/');
    const i = index.get(name.slice(0, cut));
    if (i === undefined) throw new Error(`checkpoint: optimizer state '${name}' belongs to no weight of the model`);
    return { name: `#${i}${name.slice(cut)}`, tensor };
  });
  const { data, specs } = await tf.io.encodeWeights(named);
  return { data, specs };
}

export async function loadOptimizerInto(optimizer: AdamW, model: tfl.LayersModel, dir: string, specs: tf.io.WeightsManifestEntry[]): Promise<void> {
  const file = path.join(dir, OPTIMIZER_BIN);
  const buf = fs.readFileSync(file);
  const decoded = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, specs);
  const weights = model.weights;
  const list = specs.map((s) => {
    if (s.name === 'iter') return { name: s.name, tensor: decoded[s.name] };
    const m = /^#(\d+)(\/.+)$/.exec(s.name);
    const w = m ? weights[Number(m[1])] : undefined;
    if (m == null || w === undefined) throw new Error(`checkpoint ${file}: optimizer entry '${s.name}' names no weight of the model`);
    return { name: `${w.name}${m[2]}`, tensor: decoded[s.name] };
  });
  try {
    await optimizer.setWeights(list);
  } finally {
    tf.dispose(list.map((l) => l.tensor));
  }
}

/** Saves `model` (+ `extraState`) to `dir` atomically: dir/{model.json, weights.bin, state.json}. */
export async function saveModelAtomically(model: tfl.LayersModel, dir: string, extraState?: object): Promise<void> {
  const state: FitState = { format: 'statespace-fit-state', version: 1, epoch: 0, history: [] };
  if (extraState !== undefined) state.extraState = extraState;
  await writeCheckpointDir(dir, model, state);
}

/**
 * Loads a checkpoint: `dir/which` (from fit's checkpointDir), or `dir` itself when it is one
 * (saveModelAtomically) and `which` is not given. The model's layers must be registered.
 */
export async function loadCheckpoint(dir: string, which?: 'best' | 'last'):
  Promise<{ model: tfl.LayersModel; state: { epoch: number; history: EpochRecord[]; extraState?: any } & Partial<FitState> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const wanted = which !== undefined ? path.join(dir, which)
    : exists(path.join(dir, STATE_JSON)) ? dir : path.join(dir, 'best');
  const found = resolveCheckpointDir(wanted);
  if (found === undefined) {
    throw new Error(`loadCheckpoint: no checkpoint at ${wanted} (expected ${path.join(wanted, STATE_JSON)} with model.json and weights.bin)`);
  }
  const state = readState(found);
  const model = await tfl.loadLayersModel(fileSystemIO(found));
  return { model, state };
}
