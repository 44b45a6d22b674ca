import { Arena } from '../../../runtime/arena';

/**
 * Host side of the fused SSD scan: converts between the public layouts and the SIMD module's
 * (P padded to P4 = a multiple of 4, states as (N, P4)), applies dtBias/softplus (one scalar per
 * (b, t, h), cheap here), and calls simd/ssd_scan.ts. Works on plain typed arrays, so the cpu and
 * wasm backends share it.
 */
export interface SsdDims {
  Bt: number;
  L: number;
  H: number;
  P: number;
  G: number;
  N: number;
}

export interface SsdHostInputs {
  x: Float32Array; // (Bt, L, H, P)
  dt: Float32Array; // (Bt, L, H) raw
  A: Float32Array; // (H)
  B: Float32Array; // (Bt, L, G, N)
  C: Float32Array; // (Bt, L, G, N)
  D?: Float32Array; // (H) or (H, P)
  dPerChannel: boolean; // D has shape (H, P)
  z?: Float32Array; // (Bt, L, H, P)
  dtBias?: Float32Array; // (H)
  init?: Float32Array; // (Bt, H, P, N)
  seg?: Int32Array; // (Bt, L) segment ids
  softplus: boolean;
}

export interface SsdHostGrads {
  dx: Float32Array;
  ddt: Float32Array;
  dA: Float32Array;
  dB: Float32Array;
  dC: Float32Array;
  dD?: Float32Array;
  dz?: Float32Array;
  dDtBias?: Float32Array;
  dInit?: Float32Array;
}

const MODULE = 'ssd_scan';

/** tfjs's softplus (same thresholds, so fused and reference agree at the extremes). */
const SOFTPLUS_T = Math.log(1.1920928955078125e-7) + 2;
function softplus(v: number): number {
  if (v > -SOFTPLUS_T) return v;
  if (v < SOFTPLUS_T) return Math.exp(v);
  return Math.log(Math.exp(v) + 1);
}

function effectiveDt(inp: SsdHostInputs, d: SsdDims): Float32Array {
  if (!inp.dtBias && !inp.softplus) return inp.dt;
  const out = new Float32Array(inp.dt.length);
  for (let i = 0; i < out.length; i++) {
    const v = inp.dt[i] + (inp.dtBias ? inp.dtBias[i % d.H] : 0);
    out[i] = inp.softplus ? softplus(v) : v;
  }
  return out;
}

/**
 * (Bt, L): 1 where the state carries over from t−1, 0 where it resets (the segment id changes).
 * The kernel multiplies the step's decay by it, forward and backward. (Same rule as
 * selective-scan's scanHost resetMask, forward scan order only.)
 */
export function carryMask(seg: Int32Array, Bt: number, L: number): Float32Array {
  const mask = new Float32Array(Bt * L).fill(1);
  for (let b = 0; b < Bt; b++) {
    for (let t = 1; t < L; t++) if (seg[b * L + t] !== seg[b * L + t - 1]) mask[b * L + t] = 0;
  }
  return mask;
}

/** (rows, P) -> (rows, P4), zero padded. */
function padP(src: Float32Array, P: number, P4: number): Float32Array {
  if (P === P4) return src;
  const rows = src.length / P;
  const out = new Float32Array(rows * P4);
  for (let r = 0; r < rows; r++) out.set(src.subarray(r * P, r * P + P), r * P4);
  return out;
}

function unpadP(src: Float32Array, P: number, P4: number): Float32Array {
  if (P === P4) return src.slice();
  const rows = src.length / P4;
  const out = new Float32Array(rows * P);
  for (let r = 0; r < rows; r++) out.set(src.subarray(r * P4, r * P4 + P), r * P);
  return out;
}

/** (Bt·H, P, N) -> (Bt·H, N, P4) */
function stateToKernel(src: Float32Array, d: SsdDims, P4: number): Float32Array {
  const out = new Float32Array(d.Bt * d.H * d.N * P4);
  for (let s = 0; s < d.Bt * d.H; s++) {
    for (let p = 0; p < d.P; p++) {
      for (let n = 0; n < d.N; n++) out[(s * d.N + n) * P4 + p] = src[(s * d.P + p) * d.N + n];
    }
  }
  return out;
}

function stateFromKernel(src: Float32Array, d: SsdDims, P4: number): Float32Array {
  const out = new Float32Array(d.Bt * d.H * d.P * d.N);
  for (let s = 0; s < d.Bt * d.H; s++) {
    for (let p = 0; p < d.P; p++) {
      for (let n = 0; n < d.N; n++) out[(s * d.P + p) * d.N + n] = src[(s * d.N + n) * P4 + p];
    }
  }
  return out;
}

/** D as (H, P4). */
function expandD(D: Float32Array, perChannel: boolean, d: SsdDims, P4: number): Float32Array {
  const out = new Float32Array(d.H * P4);
  for (let h = 0; h < d.H; h++) {
    for (let p = 0; p < d.P; p++) out[h * P4 + p] = perChannel ? D[h * d.P + p] : D[h];
  }
  return out;
}

function padded4(P: number): number {
  return (P + 3) & ~3;
}

/** Fused forward: y (Bt, L, H, P) and, when asked, the last state (Bt, H, P, N). */
export function ssdForwardHost(inp: SsdHostInputs, d: SsdDims, wantLast: boolean): { y: Float32Array; last?: Float32Array } {
  const P4 = padded4(d.P);
  const dtEff = effectiveDt(inp, d);
  const rowsX = d.Bt * d.L * d.H;
  const stateLen = d.Bt * d.H * d.N * P4;
  return Arena.with(MODULE, (arena) => {
    const px = arena.put(padP(inp.x, d.P, P4));
    const pdt = arena.put(dtEff);
    const pA = arena.put(inp.A);
    const pB = arena.put(inp.B);
    const pC = arena.put(inp.C);
    const pD = inp.D ? arena.put(expandD(inp.D, inp.dPerChannel, d, P4)) : 0;
    const pz = inp.z ? arena.put(padP(inp.z, d.P, P4)) : 0;
    const pInit = inp.init ? arena.put(stateToKernel(inp.init, d, P4)) : 0;
    const pMask = inp.seg ? arena.put(carryMask(inp.seg, d.Bt, d.L)) : 0;
    const py = arena.alloc(rowsX * P4);
    const pLast = wantLast ? arena.alloc(stateLen) : 0;
    const pS = arena.alloc(d.N * P4);
    arena.exports.ssdForward(px, pdt, pA, pB, pC, pD, pz, pInit, pMask, py, pLast, pS, d.Bt, d.L, d.H, P4, d.G, d.N);
    const y = unpadP(arena.f32(py, rowsX * P4), d.P, P4);
    const last = wantLast ? stateFromKernel(arena.f32(pLast, stateLen), d, P4) : undefined;
    return { y, last };
  });
}

/** Steps between state checkpoints in the backward pass: ~sqrt(L) balances both buffers. */
function checkpointInterval(L: number): number {
  return Math.max(1, Math.min(L, Math.max(8, Math.ceil(Math.sqrt(L)))));
}

/** Fused backward: gradients for every input, given dy (Bt, L, H, P) and optionally dLast (Bt, H, P, N). */
export function ssdBackwardHost(inp: SsdHostInputs, d: SsdDims, dy: Float32Array, dLast?: Float32Array): SsdHostGrads {
  const P4 = padded4(d.P);
  const dtEff = effectiveDt(inp, d);
  const rowsX = d.Bt * d.L * d.H;
  const stateLen = d.Bt * d.H * d.N * P4;
  const K = checkpointInterval(d.L);
  const nChunks = Math.ceil(d.L / K);
  const bcLen = d.Bt * d.L * d.G * d.N;
  const out = Arena.with(MODULE, (arena) => {
    const px = arena.put(padP(inp.x, d.P, P4));
    const pdt = arena.put(dtEff);
    const pA = arena.put(inp.A);
    const pB = arena.put(inp.B);
    const pC = arena.put(inp.C);
    const pD = inp.D ? arena.put(expandD(inp.D, inp.dPerChannel, d, P4)) : 0;
    const pz = inp.z ? arena.put(padP(inp.z, d.P, P4)) : 0;
    const pInit = inp.init ? arena.put(stateToKernel(inp.init, d, P4)) : 0;
    const pMask = inp.seg ? arena.put(carryMask(inp.seg, d.Bt, d.L)) : 0;
    const pdy = arena.put(padP(dy, d.P, P4));
    const pdLast = dLast ? arena.put(stateToKernel(dLast, d, P4)) : 0;
    const pdx = arena.alloc(rowsX * P4);
    const pddt = arena.alloc(rowsX);
    const pdA = arena.zeros(d.H);
    const pdB = arena.zeros(bcLen);
    const pdC = arena.zeros(bcLen);
    const pdD = inp.D ? arena.zeros(d.H * P4) : 0;
    const pdz = inp.z ? arena.alloc(rowsX * P4) : 0;
    const pdInit = inp.init ? arena.alloc(stateLen) : 0;
    const pG = arena.alloc(d.N * P4);
    const pCkpt = arena.alloc(nChunks * d.N * P4);
    const pBuf = arena.alloc(K * d.N * P4);
    const pTmp = arena.alloc(3 * P4);
    arena.exports.ssdBackward(
      px, pdt, pA, pB, pC, pD, pz, pInit, pMask, pdy, pdLast,
      pdx, pddt, pdA, pdB, pdC, pdD, pdz, pdInit,
      pG, pCkpt, pBuf, pTmp, d.Bt, d.L, d.H, P4, d.G, d.N, K,
    );
    return {
      dx: unpadP(arena.f32(pdx, rowsX * P4), d.P, P4),
      ddtEff: arena.f32(pddt, rowsX).slice(),
      dA: arena.f32(pdA, d.H).slice(),
      dB: arena.f32(pdB, bcLen).slice(),
      dC: arena.f32(pdC, bcLen).slice(),
      dDfull: inp.D ? arena.f32(pdD, d.H * P4).slice() : undefined,
      dz: inp.z ? unpadP(arena.f32(pdz, rowsX * P4), d.P, P4) : undefined,
      dInit: inp.init ? stateFromKernel(arena.f32(pdInit, stateLen), d, P4) : undefined,
    };
  });
  const grads: SsdHostGrads = { dx: out.dx, ddt: out.ddtEff, dA: out.dA, dB: out.dB, dC: out.dC, dz: out.dz, dInit: out.dInit };
  if (out.dDfull) grads.dD = reduceD(out.dDfull, inp.dPerChannel, d, P4);
  // Chain through dt_eff = softplus(dt + bias): d/dv softplus(v) = sigmoid(v).
  if (inp.softplus) {
    for (let i = 0; i < rowsX; i++) {
      const v = inp.dt[i] + (inp.dtBias ? inp.dtBias[i % d.H] : 0);
      grads.ddt[i] *= 1 / (1 + Math.exp(-v));
    }
  }
  if (inp.dtBias) {
    const db = new Float32Array(d.H);
    for (let i = 0; i < rowsX; i++) db[i % d.H] += grads.ddt[i];
    grads.dDtBias = db;
  }
  return grads;
}

function reduceD(full: Float32Array, perChannel: boolean, d: SsdDims, P4: number): Float32Array {
  const out = new Float32Array(perChannel ? d.H * d.P : d.H);
  for (let h = 0; h < d.H; h++) {
    for (let p = 0; p < d.P; p++) {
      if (perChannel) out[h * d.P + p] = full[h * P4 + p];
      else out[h] += full[h * P4 + p];
    }
  }
  return out;
}
