/**
 * Independent test oracle: the SSD recurrence written as a plain sequential loop over t on typed
 * arrays (float64 accumulation), sharing no code with the fused kernel or the chunked form.
 */
export interface NaiveSsdInputs {
  x: Float32Array; // (Bt, L, H, P)
  dt: Float32Array; // (Bt, L, H)
  A: Float32Array; // (H)
  B: Float32Array; // (Bt, L, G, N)
  C: Float32Array; // (Bt, L, G, N)
  D?: Float32Array; // (H) or (H, P)
  z?: Float32Array;
  dtBias?: Float32Array;
  softplus?: boolean;
  init?: Float32Array; // (Bt, H, P, N)
  seg?: Int32Array; // (Bt, L): the state restarts from 0 where the id changes
}

export function naiveSsdScan(
  inp: NaiveSsdInputs,
  dims: { Bt: number; L: number; H: number; P: number; G: number; N: number },
): { y: Float64Array; last: Float64Array } {
  const { Bt, L, H, P, G, N } = dims;
  const y = new Float64Array(Bt * L * H * P);
  const last = new Float64Array(Bt * H * P * N);
  const dPerChannel = inp.D != null && inp.D.length === H * P && P !== 1;
  for (let b = 0; b < Bt; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / G));
      const S = new Float64Array(P * N);
      if (inp.init) for (let i = 0; i < P * N; i++) S[i] = inp.init[(b * H + h) * P * N + i];
      for (let t = 0; t < L; t++) {
        let d = inp.dt[(b * L + t) * H + h] + (inp.dtBias ? inp.dtBias[h] : 0);
        if (inp.softplus) d = Math.log1p(Math.exp(d));
        const reset = inp.seg != null && t > 0 && inp.seg[b * L + t] !== inp.seg[b * L + t - 1];
        if (reset) S.fill(0);
        const decay = Math.exp(d * inp.A[h]);
        const bc = ((b * L + t) * G + g) * N;
        for (let p = 0; p < P; p++) {
          const xi = (b * L + t) * H * P + h * P + p;
          let acc = 0;
          for (let n = 0; n < N; n++) {
            S[p * N + n] = decay * S[p * N + n] + d * inp.x[xi] * inp.B[bc + n];
            acc += S[p * N + n] * inp.C[bc + n];
          }
          if (inp.D) acc += (dPerChannel ? inp.D[h * P + p] : inp.D[h]) * inp.x[xi];
          if (inp.z) acc *= inp.z[xi] / (1 + Math.exp(-inp.z[xi]));
          y[xi] = acc;
        }
      }
      last.set(S, (b * H + h) * P * N);
    }
  }
  return { y, last };
}
