import * as fs from 'fs';
import { Worker } from 'worker_threads';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * Data-parallel training on one machine: worker threads that each hold a replica of the model and
 * return the gradient of the loss on their share of a batch, while the calling thread computes its own
 * share (fit's `dataParallel` option). Why threads and not tfjs: tfjs-backend-wasm runs single-threaded
 * in Node (its threaded build is browser-only, tfjs issue #3830), so without this a training step uses one
 * core however many the machine has.
 *
 * Each step the caller's weights go to the workers through one SharedArrayBuffer (the replicas never
 * drift: they have no optimizer of their own), and each worker writes its gradient into its own slot of
 * a second one; only small messages cross threads. The worker script is the caller's (it knows the loss
 * and registers custom layers) and calls `serveGradients` (./serveGradients).
 */
export interface GradientPart {
  /** What the worker script's loss receives (structured-cloned). */
  payload: unknown;
  /** Buffers moved instead of copied. */
  transfer?: ArrayBuffer[];
  /** Examples in this part: parts' mean losses and gradients are combined weighted by it. */
  count: number;
}

export interface RemoteGradient {
  loss: number;
  count: number;
  /** The gradient of every trainable weight, flattened in model.trainableWeights order (a view into shared memory). */
  grads: Float32Array;
}

export interface GradientWorkersOptions {
  /** Absolute path of a worker script that calls serveGradients(...). */
  script: string;
  /** Worker threads (>= 1). */
  count: number;
  /** The model whose replicas the workers train (rebuilt from its topology, see serveGradients). */
  model: tfl.LayersModel;
  /** tfjs backend for the workers (default: the caller's choice of 'wasm'). */
  backend?: string;
  /** Anything the worker script's setup needs (loss options...), structured-cloned. */
  init?: unknown;
}

type Reply = { type: 'ready'; sizes: number[] } | { type: 'done'; loss: number } | { type: 'error'; message: string };

export class GradientWorkers {
  readonly count: number;
  readonly size: number;
  private readonly weights: Float32Array;
  private readonly grads: Float32Array[];
  private closed = false;

  private constructor(private readonly workers: Worker[], size: number, weights: SharedArrayBuffer, grads: SharedArrayBuffer[]) {
    this.count = workers.length;
    this.size = size;
    this.weights = new Float32Array(weights);
    this.grads = grads.map((g) => new Float32Array(g));
  }

  /** Starts `count` workers and waits until each has built its replica; errors name the script and the cause. */
  static async start(o: GradientWorkersOptions): Promise<GradientWorkers> {
    const OP = 'GradientWorkers.start';
    if (!Number.isInteger(o.count) || o.count < 1) throw new Error(`${OP}: 'count' must be an integer >= 1, received ${String(o.count)}`);
    if (typeof o.script !== 'string' || !fs.existsSync(o.script)) throw new Error(`${OP}: worker script '${String(o.script)}' does not exist (build the package first)`);
    const shapes = o.model.trainableWeights.map((w) => w.shape as number[]);
    const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
    const size = sizes.reduce((a, b) => a + b, 0);
    const weights = new SharedArrayBuffer(size * 4);
    const grads = Array.from({ length: o.count }, () => new SharedArrayBuffer(size * 4));
    const topology = JSON.stringify(o.model.toJSON(null, false));
    const workers: Worker[] = [];
    try {
      for (let k = 0; k < o.count; k++) {
        // One kernel thread per worker: the workers are the parallelism.
        const w = new Worker(o.script, { env: { ...process.env, STATESPACE_THREADS: '1' }, workerData: { rank: k + 1 } });
        w.unref(); // held only while a request is open (request()), so a forgotten close() never keeps a process alive
        workers.push(w);
      }
      await Promise.all(workers.map((w, k) => request(w, { type: 'init', topology, backend: o.backend ?? 'wasm', init: o.init, weights, grads: grads[k], rank: k + 1 }).then((r) => {
        if (r.type !== 'ready') throw new Error(`${OP}: worker ${k + 1} answered '${r.type}' to init`);
        if (r.sizes.length !== sizes.length || r.sizes.some((s, i) => s !== sizes[i])) {
          throw new Error(`${OP}: worker ${k + 1}'s replica has weight sizes [${r.sizes.join(', ')}], the model [${sizes.join(', ')}]: the script must register the model's layers`);
        }
      })));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e instanceof Error ? new Error(`${OP} (${o.script}): ${e.message}`, { cause: e }) : e;
    }
    return new GradientWorkers(workers, size, weights, grads);
  }

  /**
   * Sends the current weights and one part to each of the first parts.length workers; resolves with
   * their losses and gradients. Call it before computing the local part so that both run at once.
   */
  compute(vars: tf.Variable[], parts: GradientPart[]): Promise<RemoteGradient[]> {
    if (this.closed) throw new Error('GradientWorkers.compute: the workers were closed');
    if (parts.length > this.count) throw new Error(`GradientWorkers.compute: ${parts.length} parts for ${this.count} workers`);
    let off = 0;
    for (const v of vars) {
      const d = v.dataSync() as Float32Array;
      this.weights.set(d, off);
      off += d.length;
    }
    if (off !== this.size) throw new Error(`GradientWorkers.compute: the variables hold ${off} values, the workers' replicas ${this.size}`);
    return Promise.all(parts.map((p, k) => request(this.workers[k], { type: 'step', payload: p.payload }, p.transfer).then((r) => {
      if (r.type !== 'done') throw new Error(`GradientWorkers: worker ${k + 1} answered '${r.type}' to a step`);
      return { loss: r.loss, count: p.count, grads: this.grads[k] };
    })));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** One message to a worker and its one answer (workers answer in order, one request at a time). */
function request(w: Worker, msg: object, transfer?: ArrayBuffer[]): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const cleanup = (): void => {
      w.unref();
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const onMessage = (r: Reply): void => {
      cleanup();
      if (r.type === 'error') reject(new Error(r.message));
      else resolve(r);
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`worker exited with code ${code}`));
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.ref();
    w.postMessage(msg, transfer ?? []);
  });
}
