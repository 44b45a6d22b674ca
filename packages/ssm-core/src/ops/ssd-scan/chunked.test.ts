import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients for its own ops; tfjs-layers' bundle does.
import '@tensorflow/tfjs-layers';
import { TEST_BACKENDS, useBackend } from '../../testing/backends';
import { expectClose } from '../../testing/compare';
import { gradcheck } from '../../testing/gradcheck';
import { ssdScanChunked } from './chunked';
import { naiveSsdScan } from './naiveOracle';
import { SsdCase, caseDims, makeInputs, outputs, projectedLoss, toArgs } from './ssdTestCases';

// float32: the chunked form sums in a different order from the float64 loop.
const ATOL = 1e-4;
const RTOL = 1e-3;

describe.each(TEST_BACKENDS)('ssdScan chunked reference on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const full: SsdCase = {
    name: 'all options', Bt: 2, L: 37, H: 4, P: 3, G: 2, N: 5, D: 'HP', z: true, dtBias: true, softplus: true, init: true, last: true,
  };

  it('matches an independent sequential loop (float64, plain JS)', () => {
    for (const c of [full, { ...full, D: 'H' as const, chunkSize: 5 }, { ...full, L: 1, chunkSize: 4 }, { ...full, N: 1, P: 1, G: 1 }]) {
      const { names, tensors } = makeInputs(c, 11);
      const [y, last] = outputs(ssdScanChunked(toArgs(c, names, tensors)));
      const arr = (n: string) => {
        const i = names.indexOf(n);
        return i < 0 ? undefined : (tensors[i].dataSync() as Float32Array);
      };
      const naive = naiveSsdScan(
        {
          x: arr('x')!, dt: arr('dt')!, A: arr('A')!, B: arr('B')!, C: arr('C')!,
          D: arr('D'), z: arr('z'), dtBias: arr('dtBias'), softplus: c.softplus, init: arr('initialState'),
        },
        caseDims(c),
      );
      expectClose(y, tf.tensor(Float32Array.from(naive.y), y.shape), ATOL, RTOL, `y (${JSON.stringify(c)})`);
      expectClose(last, tf.tensor(Float32Array.from(naive.last), last.shape), ATOL, RTOL, 'lastState');
      tf.dispose([y, last, ...tensors]);
    }
  });

  it('does not depend on chunkSize (Q = 4, 16, L), forward and gradients', () => {
    const { names, tensors } = makeInputs(full, 5);
    const run = (Q: number) => {
      const c = { ...full, chunkSize: Q };
      const out = outputs(ssdScanChunked(toArgs(c, names, tensors)));
      const g = tf.grads((...xs: tf.Tensor[]) => projectedLoss(c, ssdScanChunked(toArgs(c, names, xs))))(tensors);
      return [...out, ...g];
    };
    const base = run(full.L);
    for (const Q of [4, 16]) {
      const other = run(Q);
      const labels = ['y', 'lastState', ...names.map((n) => `d${n}`)];
      other.forEach((t, i) => expectClose(t, base[i], ATOL, RTOL, `Q=${Q} vs Q=L: ${labels[i]}`));
      tf.dispose(other);
    }
    tf.dispose([...base, ...tensors]);
  });

  it('gradients match central finite differences', () => {
    // Small and well-conditioned: Q = 2 gives several chunks and a partial one (L = 5).
    const cases: SsdCase[] = [
      { name: 'fd all', Bt: 1, L: 5, H: 2, P: 2, G: 1, N: 3, D: 'HP', z: true, dtBias: true, softplus: true, init: true, last: true, chunkSize: 2 },
      { name: 'fd D(H) G=2', Bt: 2, L: 3, H: 2, P: 1, G: 2, N: 2, D: 'H', last: true, chunkSize: 2 },
    ];
    for (const c of cases) {
      const { names, tensors } = makeInputs(c, 21);
      const f = (...xs: tf.Tensor[]) => projectedLoss(c, ssdScanChunked(toArgs(c, names, xs)));
      const { worst, detail } = gradcheck(f, tensors, { eps: 5e-3, atol: 3e-3, rtol: 3e-2, maxPerInput: 12 });
      if (!(worst <= 1)) throw new Error(`${c.name}: gradcheck ratio ${worst.toFixed(2)} (${detail}); inputs ${names.join(', ')}`);
      tf.dispose(tensors);
    }
  });

  it('stays finite with strong decay (large dt·|A|) and long chunks', () => {
    const c: SsdCase = { name: 'decay', Bt: 1, L: 64, H: 2, P: 2, G: 1, N: 2, last: true, chunkSize: 64 };
    const { names, tensors } = makeInputs(c, 4);
    tensors[2] = tf.tensor1d([-80, -200]); // exp(dt·A) underflows; segsum spans up to -12800
    const g = tf.grads((...xs: tf.Tensor[]) => projectedLoss(c, ssdScanChunked(toArgs(c, names, xs))))(tensors);
    for (const t of g) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([...g, ...tensors]);
  });
});
