import { Worker } from 'worker_threads';

/**
 * HDF5 through h5wasm (HDF5 compiled to WebAssembly, maintained by NIST). h5wasm ships only as an ES module,
 * which a CommonJS package (and jest's sandbox) cannot import directly, so it runs in a worker thread: a fresh
 * Node context where dynamic import works; the arrays come back as transferable typed arrays.
 */
const WORKER = `
const { parentPort, workerData } = require('worker_threads');
(async () => {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const { op, file } = workerData;
  if (op === 'write') {
    const f = new h5.File(file, 'w');
    for (const d of workerData.datasets) f.create_dataset({ name: d.name, data: d.data, shape: d.shape, dtype: d.dtype });
    f.close();
    parentPort.postMessage({ ok: true });
    return;
  }
  const f = new h5.File(file, 'r');
  try {
    const out = {};
    for (const name of workerData.names) {
      const d = f.get(name);
      if (!d || d.type !== 'Dataset') { out[name] = null; continue; }
      out[name] = { shape: d.shape, dtype: d.dtype, value: d.value };
    }
    parentPort.postMessage({ ok: true, out, keys: f.keys() });
  } finally { f.close(); }
})().catch((e) => parentPort.postMessage({ ok: false, error: String((e && e.message) || e) }));
`;

export interface H5Array { shape: number[]; dtype: string; value: ArrayLike<number> }

function runWorker(data: object): Promise<{ ok: boolean; error?: string; out?: Record<string, H5Array | null>; keys?: string[] }> {
  return new Promise((resolve, reject) => {
    // HDF5's own diagnostics go to the worker's stderr; keep them out of the user's terminal (the error is reported).
    const w = new Worker(WORKER, { eval: true, workerData: data, stdout: true, stderr: true });
    w.stdout.resume();
    w.stderr.resume();
    w.once('message', (m) => { void w.terminate(); resolve(m); });
    w.once('error', (e) => reject(e));
  });
}

/** Reads named datasets of an HDF5 file. Missing names come back as null; `keys` lists the root group. */
export async function readHdf5(file: string, names: string[]): Promise<{ datasets: Record<string, H5Array | null>; keys: string[] }> {
  const r = await runWorker({ op: 'read', file, names });
  if (!r.ok) throw new Error(`${file}: not a readable HDF5 file (${r.error})`);
  return { datasets: r.out!, keys: r.keys! };
}

/** Writes datasets to a new HDF5 file (dtype as h5wasm spells it: '<f' float32, '<B' uint8, '<i' int32). */
export async function writeHdf5(file: string, datasets: { name: string; data: ArrayLike<number>; shape: number[]; dtype: string }[]): Promise<void> {
  const r = await runWorker({ op: 'write', file, datasets });
  if (!r.ok) throw new Error(`${file}: could not write HDF5 (${r.error})`);
}
