import * as os from 'os';
import { Worker } from 'worker_threads';
import { simdModule } from './simdModule';

/**
 * A small worker_threads pool that runs one SIMD module's exported function over a list of
 * independent tasks, on every thread at once, against the module's shared memory (each worker
 * instantiates the same WebAssembly.Module on the same WebAssembly.Memory, so pointers are valid
 * everywhere and nothing is copied). The calling thread takes tasks too, then blocks in
 * Atomics.wait until the workers are done, so kernels stay synchronous.
 *
 * Threads: STATESPACE_THREADS, default min(cpus, 4); 1 disables the pool. Workers start lazily
 * on the first parallel job and are unref'd, so they never keep a process alive.
 */
export interface ParallelJob {
  /** SIMD module name (dist-wasm/<module>.wasm). */
  module: string;
  /** Exported function, called as fn(...task, scratch). */
  fn: string;
  /** Argument lists, one per task; tasks must not write to the same memory. */
  tasks: number[][];
  /**
   * Thread k gets scratch pointer scratchBase + k·scratchStride (k = 0 is the caller); allocate
   * min(threadCount(), tasks.length) blocks. Tasks run concurrently whenever there are two or more.
   */
  scratchBase: number;
  scratchStride: number;
}

// Control words in a SharedArrayBuffer: next task index, finished workers, error flag.
const NEXT = 0;
const DONE = 1;
const FAILED = 2;

interface PoolWorker {
  worker: Worker;
  modules: Set<string>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
const instances = new Map();
const ctrl = new Int32Array(workerData.control);
parentPort.on('message', (msg) => {
  try {
    if (msg.load) {
      const { name, module, memory } = msg.load;
      instances.set(name, new WebAssembly.Instance(module, { env: { memory, abort(_m, _f, line, col) {
        throw new Error('SIMD kernel aborted at ' + line + ':' + col); } } }));
    }
    const fn = instances.get(msg.module).exports[msg.fn];
    const scratch = msg.scratchBase + workerData.slot * msg.scratchStride;
    for (let i = Atomics.add(ctrl, ${NEXT}, 1); i < msg.tasks.length; i = Atomics.add(ctrl, ${NEXT}, 1)) {
      fn(...msg.tasks[i], scratch);
    }
  } catch (e) {
    Atomics.store(ctrl, ${FAILED}, 1);
    parentPort.postMessage(String(e && e.stack || e));
  }
  Atomics.add(ctrl, ${DONE}, 1);
  Atomics.notify(ctrl, ${DONE});
});
`;

let pool: PoolWorker[] | null = null;
let control: Int32Array | null = null;
let lastWorkerError = '';

/** Threads a parallel job uses (the caller included). */
export function threadCount(): number {
  const env = process.env.STATESPACE_THREADS;
  if (env != null && env !== '') {
    const n = Number(env);
    if (Number.isInteger(n) && n >= 1) return Math.min(n, 64);
  }
  return Math.max(1, Math.min(os.cpus().length, 4));
}

function startPool(): PoolWorker[] {
  if (pool) return pool;
  const sab = new SharedArrayBuffer(16);
  control = new Int32Array(sab);
  pool = [];
  const n = threadCount() - 1;
  for (let slot = 1; slot <= n; slot++) {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { control: sab, slot } });
    worker.on('message', (m) => (lastWorkerError = String(m)));
    worker.on('error', (e) => (lastWorkerError = String(e)));
    worker.unref(); // after on(): adding a listener would ref it again
    pool.push({ worker, modules: new Set() });
  }
  return pool;
}

/** Runs every task of `job`; returns when all are done. Throws if a task failed. */
export function runParallel(job: ParallelJob): void {
  const mod = simdModule(job.module);
  const fn = mod.exports[job.fn];
  if (!fn) throw new Error(`runParallel: module '${job.module}' exports no function '${job.fn}'`);
  const threads = Math.min(threadCount(), job.tasks.length);
  if (threads <= 1) {
    for (const t of job.tasks) fn(...t, job.scratchBase);
    return;
  }
  const workers = startPool().slice(0, threads - 1);
  const ctrl = control as Int32Array;
  Atomics.store(ctrl, NEXT, 0);
  Atomics.store(ctrl, DONE, 0);
  Atomics.store(ctrl, FAILED, 0);
  for (const w of workers) {
    const load = w.modules.has(job.module) ? undefined : { name: job.module, module: mod.module, memory: mod.memory };
    w.modules.add(job.module);
    w.worker.postMessage({ load, module: job.module, fn: job.fn, tasks: job.tasks, scratchBase: job.scratchBase, scratchStride: job.scratchStride });
  }
  let error: unknown = null;
  try {
    for (let i = Atomics.add(ctrl, NEXT, 1); i < job.tasks.length; i = Atomics.add(ctrl, NEXT, 1)) {
      fn(...(job.tasks[i] as number[]), job.scratchBase);
    }
  } catch (e) {
    error = e;
    Atomics.store(ctrl, NEXT, job.tasks.length); // let the workers stop early
  }
  // Wait for every worker, even after an error: they are still using the memory.
  for (let done = Atomics.load(ctrl, DONE); done < workers.length; done = Atomics.load(ctrl, DONE)) {
    Atomics.wait(ctrl, DONE, done, 10000);
  }
  if (error) throw error;
  if (Atomics.load(ctrl, FAILED) !== 0) throw new Error(`runParallel(${job.module}.${job.fn}): a worker failed: ${lastWorkerError}`);
}
