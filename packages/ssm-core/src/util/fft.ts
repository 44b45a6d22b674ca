/**
 * In-place complex DFT of (re, im) in float64: iterative radix-2 when the length is a power of two,
 * else a direct DFT with a precomputed twiddle table (O(n²), as tfjs's cpu backend). `inverse`
 * uses e^{+i…} and divides by n (as tfjs's IFFT). Twiddles are computed per k with cos/sin (no
 * recurrence, so no error growth with n). Hand-written: it runs on host arrays inside the wasm
 * FFT kernel and in data loaders (no tensors), and no installed package provides an FFT.
 */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (!(re instanceof Float64Array) || !(im instanceof Float64Array) || im.length !== n) {
    throw new Error(`fftInPlace: arguments 're' and 'im' must be Float64Arrays of the same length, received lengths ${String(re?.length)} and ${String(im?.length)}`);
  }
  const sign = inverse ? 1 : -1;
  if ((n & (n - 1)) === 0) {
    for (let i = 1, j = 0; i < n; i++) {
      let bit = n >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) {
        [re[i], re[j]] = [re[j], re[i]];
        [im[i], im[j]] = [im[j], im[i]];
      }
    }
    for (let len = 2; len <= n; len <<= 1) {
      const ang = (sign * 2 * Math.PI) / len;
      const half = len >> 1;
      for (let k = 0; k < half; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        for (let s = k; s < n; s += len) {
          const t = s + half;
          const xr = re[t] * wr - im[t] * wi;
          const xi = re[t] * wi + im[t] * wr;
          re[t] = re[s] - xr;
          im[t] = im[s] - xi;
          re[s] += xr;
          im[s] += xi;
        }
      }
    }
  } else {
    const cr = new Float64Array(n);
    const ci = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      cr[k] = Math.cos((2 * Math.PI * k) / n);
      ci[k] = sign * Math.sin((2 * Math.PI * k) / n);
    }
    const outR = new Float64Array(n);
    const outI = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0, idx = 0; t < n; t++, idx = (idx + k) % n) {
        sr += re[t] * cr[idx] - im[t] * ci[idx];
        si += re[t] * ci[idx] + im[t] * cr[idx];
      }
      outR[k] = sr;
      outI[k] = si;
    }
    re.set(outR);
    im.set(outI);
  }
  if (inverse) {
    for (let k = 0; k < n; k++) {
      re[k] /= n;
      im[k] /= n;
    }
  }
}

