import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../testing/backends';
import { expectArraysClose, expectWasmMatchesCpu, tensorOf, values } from './testUtil';

// float32 transforms of values in [-1, 1): |X_k| ≤ n; compared with atol 2e-5·n + 1e-5, rtol 1e-4.
const tol = (n: number): number => 2e-5 * n + 1e-5;

/** Direct float64 DFT of each row (the independent oracle), returned as [re..., im...] per row. */
function dft(re: Float32Array, im: Float32Array, n: number, inverse: boolean): { re: Float64Array; im: Float64Array } {
  const rows = re.length / n;
  const outR = new Float64Array(re.length);
  const outI = new Float64Array(re.length);
  const sign = inverse ? 1 : -1;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < n; t++) {
        const a = (sign * 2 * Math.PI * ((k * t) % n)) / n;
        sr += re[r * n + t] * Math.cos(a) - im[r * n + t] * Math.sin(a);
        si += re[r * n + t] * Math.sin(a) + im[r * n + t] * Math.cos(a);
      }
      outR[r * n + k] = inverse ? sr / n : sr;
      outI[r * n + k] = inverse ? si / n : si;
    }
  }
  return { re: outR, im: outI };
}

describe('Complex / Real / Imag / ComplexAbs on wasm', () => {
  test('round trip and modulus match the inputs and the cpu backend', async () => {
    await useBackend('wasm');
    const a = tensorOf([3, 5], 1);
    const b = tensorOf([3, 5], 2);
    const c = tf.complex(a, b);
    expect(c.dtype).toBe('complex64');
    const r = tf.real(tf.reshape(c, [5, 3]));
    const i = tf.imag(c);
    const m = tf.abs(c);
    expect(r.shape).toEqual([5, 3]);
    expectArraysClose(r.dataSync(), a.dataSync(), 0, 0, 'real');
    expectArraysClose(i.dataSync(), b.dataSync(), 0, 0, 'imag');
    const ad = a.dataSync();
    const bd = b.dataSync();
    expectArraysClose(m.dataSync(), Array.from(ad, (v, k) => Math.hypot(v, bd[k])), 1e-7, 1e-6, 'abs');
    // The wasm backend cannot read complex64 back directly (its readSync knows no complex64).
    expect(() => c.dataSync()).toThrow(/complex64/);
    tf.dispose([a, b, c, r, i, m]);
    await expectWasmMatchesCpu(() => {
      const z = tf.complex(tensorOf([2, 4], 3), tensorOf([2, 4], 4));
      return [tf.real(z), tf.imag(z), tf.abs(z)];
    }, 1e-7, 1e-6, 'complex parts');
  });
});

describe('FFT / IFFT on wasm', () => {
  const lengths = [1, 2, 3, 5, 8, 12, 16, 64];
  test.each(lengths)('n = %d: fft and ifft vs a float64 DFT, and ifft(fft(z)) = z', async (n) => {
    await useBackend('wasm');
    const re = values(3 * n, n);
    const im = values(3 * n, n + 100);
    for (const inverse of [false, true]) {
      const z = tf.complex(tf.tensor2d(re, [3, n]), tf.tensor2d(im, [3, n]));
      const out = inverse ? tf.spectral.ifft(z) : tf.spectral.fft(z);
      const want = dft(re, im, n, inverse);
      const t = inverse ? tol(n) / n : tol(n);
      const [outR, outI] = [tf.real(out), tf.imag(out)];
      expectArraysClose(outR.dataSync(), want.re, t, 1e-4, `${inverse ? 'ifft' : 'fft'} re`);
      expectArraysClose(outI.dataSync(), want.im, t, 1e-4, `${inverse ? 'ifft' : 'fft'} im`);
      tf.dispose([z, out, outR, outI]);
    }
    const back = tf.tidy(() => {
      const z = tf.complex(tf.tensor2d(re, [3, n]), tf.tensor2d(im, [3, n]));
      const w = tf.spectral.ifft(tf.spectral.fft(z));
      return [tf.real(w), tf.imag(w)];
    });
    expectArraysClose(back[0].dataSync(), re, tol(n), 1e-4, 'round trip re');
    expectArraysClose(back[1].dataSync(), im, tol(n), 1e-4, 'round trip im');
    tf.dispose(back);
  });

  test.each([[[2, 2, 8]], [[4, 6]], [[1, 7]]] as Array<[number[]]>)('fft/ifft of shape %j vs the cpu backend', async (shape) => {
    const n = shape[shape.length - 1];
    await expectWasmMatchesCpu(() => {
      const z = tf.complex(tensorOf(shape, 7), tensorOf(shape, 8));
      const f = tf.spectral.fft(z);
      const g = tf.spectral.ifft(z);
      return [tf.real(f), tf.imag(f), tf.real(g), tf.imag(g)];
    }, tol(n), 1e-4, 'fft vs cpu');
  });

  test.each([
    [[3, 8], undefined], [[2, 5], undefined], [[4, 12], undefined], [[2, 1], undefined], [[2, 6], 8], [[2, 9], 4],
  ] as Array<[number[], number | undefined]>)('rfft / irfft of shape %j (fftLength %s) vs the cpu backend', async (shape, len) => {
    await expectWasmMatchesCpu(() => {
      const x = tensorOf(shape, 9);
      const f = tf.spectral.rfft(x, len);
      return [tf.real(f), tf.imag(f), tf.spectral.irfft(f)];
    }, tol(len ?? shape[1]), 1e-4, 'rfft vs cpu');
  });
});
