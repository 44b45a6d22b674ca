import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomically, cleanupTempFiles, fsyncDirectory, type TempFile } from './atomicWrite';
import { weightSpecsByteLength } from './weightBytes';

/**
 * A tfjs `io.IOHandler` that saves/loads the standard layers-model format (model.json + weights.bin)
 * on the local file system with plain `fs`, so Node users need no tfjs-node.
 *
 * Saving is crash-safe per file: each file is written to a temporary file in the same directory,
 * fsynced, then renamed over the target. Both temporary files are complete before either rename,
 * and weights.bin is renamed before model.json, so a reader never sees a new model.json without its
 * weights. (The two renames are not one atomic step: a crash between them leaves the new weights
 * with the old model.json; `load()` then fails loudly on a size mismatch when the layout changed.)
 */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
const OP = 'fileSystemIO';

export interface FileSystemIOOptions {
  /** Name of the model JSON file inside the directory (default model.json). */
  modelFileName?: string;
  /**
   * Called after a temporary file is complete and fsynced, just before it is renamed over `target`.
   * For tests (fault injection) and logging; throwing aborts the save and removes the temporaries.
   */
  beforeCommit?: (target: string) => void;
}

export class FileSystemIO implements tf.io.IOHandler {
  readonly dir: string;
  readonly modelPath: string;
  private readonly beforeCommit?: (target: string) => void;

  constructor(dir: string, options: FileSystemIOOptions = {}) {
    if (typeof dir !== 'string' || dir.length === 0) {
      throw new Error(`${OP}: argument 'dir' must be a non-empty path string, received ${dir === '' ? "''" : typeof dir}`);
    }
    const name = options.modelFileName ?? MODEL_JSON;
    if (name.length === 0 || name !== path.basename(name)) {
      throw new Error(`${OP}: option 'modelFileName' must be a plain file name, received '${name}'`);
    }
    this.dir = path.resolve(dir);
    this.modelPath = path.join(this.dir, name);
    this.beforeCommit = options.beforeCommit;
  }

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new Error(`${OP}: binary (ArrayBuffer) model topologies are not supported; save a layers model (JSON topology)`);
    }
    const weightsPath = path.join(this.dir, WEIGHTS_BIN);
    const shards = toShards(artifacts.weightData);
    const weightSpecs = artifacts.weightSpecs ?? [];
    const expected = weightSpecsByteLength(weightSpecs);
    const received = shards.reduce((n, b) => n + b.byteLength, 0);
    if (expected !== null && expected !== received) {
      // Refuse to write a pair that load() would reject.
      throw new Error(`${OP}: weight data has ${received} bytes, but the weight specs describe ${expected} bytes`);
    }
    const modelJSON: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology ?? {},
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: [WEIGHTS_BIN], weights: weightSpecs }],
    };
    if (artifacts.trainingConfig != null) modelJSON.trainingConfig = artifacts.trainingConfig;
    if (artifacts.userDefinedMetadata != null) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
    if (artifacts.signature != null) modelJSON.signature = artifacts.signature;
    if (artifacts.modelInitializer != null) modelJSON.modelInitializer = artifacts.modelInitializer;
    if (artifacts.initializerSignature != null) modelJSON.initializerSignature = artifacts.initializerSignature;

    await fs.promises.mkdir(this.dir, { recursive: true });
    const temps: TempFile[] = [];
    try {
      // Both temporaries complete (and fsynced) before anything visible changes.
      temps.push(await writeFileAtomically.prepare(weightsPath, shards));
      temps.push(await writeFileAtomically.prepare(this.modelPath, [Buffer.from(JSON.stringify(modelJSON), 'utf8')]));
      for (const t of temps) {
        this.beforeCommit?.(t.target);
        await writeFileAtomically.commit(t);
      }
    } finally {
      await cleanupTempFiles(temps);
    }
    await fsyncDirectory(this.dir);
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    const modelJSON = await readModelJSON(this.modelPath);
    const baseDir = path.dirname(this.modelPath);
    return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of manifest) {
        const groupBuffers: Buffer[] = [];
        for (const p of group.paths) groupBuffers.push(await readRequired(path.join(baseDir, p), 'weights file'));
        const expected = weightSpecsByteLength(group.weights);
        const received = groupBuffers.reduce((s, b) => s + b.byteLength, 0);
        if (expected !== null && expected !== received) {
          const files = group.paths.map((p) => path.join(baseDir, p)).join(', ');
          throw new Error(`${OP}: weights file ${files} has ${received} bytes, expected ${expected} bytes (from the weights manifest in ${this.modelPath})`);
        }
        specs.push(...group.weights);
        buffers.push(...groupBuffers);
      }
      const all = Buffer.concat(buffers);
      // Copy into a fresh ArrayBuffer: Node Buffers may be views into a shared pool.
      const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      return [specs, data];
    });
  }
}

/** `fileSystemIO(dir)` → an IOHandler for `model.save(handler)` / `tf.loadLayersModel(handler)`. */
export function fileSystemIO(dir: string, options?: FileSystemIOOptions): FileSystemIO {
  return new FileSystemIO(dir, options);
}

/** Weight data as a list of byte views, without concatenating (WeightData is ArrayBuffer | ArrayBuffer[]). */
function toShards(data: tf.io.WeightData | undefined): Uint8Array[] {
  if (data == null) return [];
  const list = Array.isArray(data) ? data : [data];
  return list.map((b) => new Uint8Array(b));
}

async function readRequired(file: string, what: string): Promise<Buffer> {
  try {
    return await fs.promises.readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new Error(`${OP}: ${what} not found: ${file}`);
    throw new Error(`${OP}: cannot read ${what} ${file}: ${err.message}`);
  }
}

async function readModelJSON(file: string): Promise<tf.io.ModelJSON> {
  const text = (await readRequired(file, 'model file')).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${OP}: malformed JSON in ${file}: ${(e as Error).message}`);
  }
  if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${OP}: malformed model file ${file}: expected a JSON object, received ${Array.isArray(parsed) ? 'an array' : String(parsed)}`);
  }
  const json = parsed as tf.io.ModelJSON;
  if (json.weightsManifest != null) {
    const ok = Array.isArray(json.weightsManifest) &&
      json.weightsManifest.every((g) => g != null && Array.isArray(g.paths) && Array.isArray(g.weights));
    if (!ok) throw new Error(`${OP}: malformed model file ${file}: 'weightsManifest' must be an array of {paths: string[], weights: []}`);
  }
  return json;
}
