import { parentPort } from 'worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, type BackendName } from '../../backend/initBackend';

/** What a worker script gives serveGradients: the loss of its model on one part's payload. */
export interface GradientServer {
  /** Scalar mean loss of `model` on one payload (GradientPart.payload), training mode; runs inside tf.variableGrads. */
  loss: (model: tfl.LayersModel, payload: unknown) => tf.Scalar;
}

interface InitMessage { type: 'init'; topology: string; backend: string; init: unknown; weights: SharedArrayBuffer; grads: SharedArrayBuffer; rank: number }
interface StepMessage { type: 'step'; payload: unknown }

/**
 * The worker side of GradientWorkers: call it from a worker script (after importing whatever registers the
 * model's custom layers). On init it starts the backend, rebuilds the model from its topology JSON and
 * calls `setup(init)`; on each step it copies the shared weights into the replica, computes the loss and
 * gradient of its payload and writes the gradient into its shared slot.
 */
export function serveGradients(setup: (init: unknown) => GradientServer | Promise<GradientServer>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveGradients: must run in a worker thread (started by GradientWorkers)');
  let model: tfl.LayersModel | undefined;
  let server: GradientServer | undefined;
  let vars: tf.Variable[] = [];
  let weights: Float32Array<ArrayBufferLike> = new Float32Array(0);
  let grads: Float32Array<ArrayBufferLike> = new Float32Array(0);
  const handle = async (msg: InitMessage | StepMessage): Promise<object> => {
    if (msg.type === 'init') {
      await initBackend({ backend: msg.backend as BackendName });
      model = await tfl.models.modelFromJSON({ modelTopology: JSON.parse(msg.topology) as tf.io.ModelJSON['modelTopology'] });
      server = await setup(msg.init);
      vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      weights = new Float32Array(msg.weights);
      grads = new Float32Array(msg.grads);
      return { type: 'ready', sizes: vars.map((v) => v.size) };
    }
    if (!model || !server) throw new Error('serveGradients: step before init');
    const m = model;
    const s = server;
    let off = 0;
    tf.tidy(() => {
      for (const v of vars) {
        v.assign(tf.tensor(weights.subarray(off, off + v.size), v.shape, 'float32'));
        off += v.size;
      }
    });
    const { value, grads: g } = tf.variableGrads(() => s.loss(m, msg.payload), vars);
    try {
      off = 0;
      for (const v of vars) {
        const gv = g[v.name];
        if (gv) grads.set(gv.dataSync() as Float32Array, off);
        else grads.fill(0, off, off + v.size); // a weight this loss does not reach
        off += v.size;
      }
      return { type: 'done', loss: value.dataSync()[0] };
    } finally {
      tf.dispose([value, ...Object.values(g)]);
    }
  };
  port.on('message', (msg: InitMessage | StepMessage) => {
    handle(msg).then(
      (reply) => port.postMessage(reply),
      (e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
}
