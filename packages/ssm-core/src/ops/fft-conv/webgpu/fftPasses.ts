import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { disposeInfos } from '../../../kernels/webgpu/wgslProgram';
import { COMMON, LoadKind, StoreKind, loadFn, stageBody, storeFn } from './fftShaders';
import { deviceLimit, runFftProgram, uploadF32 } from './fftProgram';
import { WgMode, wgBody, wgThreads } from './wgShaders';

/** Sizes of one fftConv call in its FFT form. */
export interface FftPlan {
  Bt: number;
  H: number;
  L: number;
  Lk: number;
  shift: number;
  /** FFT length (power of two ≥ 2, no wrap-around into y). */
  n: number;
  /** Points per workgroup block (m = n when the whole row fits) and the number of global stages. */
  m: number;
  s: number;
  /** Row pairs: packed complex rows are p·H + h, p < Bp. */
  Bp: number;
  /** Threads per workgroup pass (≤ 256). */
  threads: number;
}

/** A tensor read through one of the load kinds. */
interface Source {
  kind: LoadKind;
  t: TensorInfo;
}

/** Where the final pass writes and what it needs for it. */
type Sink = { kind: Exclude<StoreKind, 'cplx'>; shape: number[]; extra: TensorInfo[] };

/** Points one workgroup transforms: the device's workgroup memory / 8 bytes, at most 4096 (or `cap`). */
export function workgroupPoints(backend: KernelBackend, cap?: number): number {
  const bytes = deviceLimit(backend, 'maxComputeWorkgroupStorageSize', 16384);
  let m = 2;
  while (m * 2 * 8 <= bytes && m * 2 <= Math.min(4096, cap ?? 4096)) m *= 2;
  return m;
}

export function makePlan(dims: Omit<FftPlan, 'm' | 's' | 'Bp' | 'threads'>, maxPoints: number, threadCap: number): FftPlan {
  const m = Math.min(dims.n, maxPoints);
  return { ...dims, m, s: Math.log2(dims.n / m), Bp: Math.ceil(dims.Bt / 2), threads: wgThreads(m, threadCap) };
}

const twiddleCache = new Map<number, Float32Array>();

/** tw[e] = exp(−2πi·e/n), e < n/2, computed in float64. */
function twiddles(n: number): Float32Array {
  let t = twiddleCache.get(n);
  if (!t) {
    t = new Float32Array(n);
    for (let e = 0; e < n / 2; e++) {
      t[2 * e] = Math.cos((2 * Math.PI * e) / n);
      t[2 * e + 1] = -Math.sin((2 * Math.PI * e) / n);
    }
    twiddleCache.set(n, t);
  }
  return t;
}

/**
 * The twiddle table of size n on a backend, uploaded once and kept for the backend's lifetime
 * (n·4 bytes: 128 KiB at n = 32768). Uploading it per call made tfjs create and destroy a mapped
 * staging buffer every call — a per-call host cost the Toeplitz form does not have.
 */
const deviceTwiddles = new WeakMap<KernelBackend, Map<number, TensorInfo>>();

function twiddlesOn(be: KernelBackend, n: number): TensorInfo {
  let byN = deviceTwiddles.get(be);
  if (!byN) deviceTwiddles.set(be, (byN = new Map()));
  let t = byN.get(n);
  if (!t) byN.set(n, (t = uploadF32(be, [n / 2, 2], twiddles(n))));
  return t;
}

/** How many twiddle tables a backend holds (tests count every other GPU buffer as a leak). */
export function cachedTwiddleTables(be: KernelBackend): number {
  return deviceTwiddles.get(be)?.size ?? 0;
}

/** Runs the passes of one fftConv call; each pass frees its intermediates (the twiddle table is the backend's). */
export class FftRunner {
  private readonly tw: TensorInfo;
  private readonly uniforms: Record<string, number>;

  constructor(private readonly be: KernelBackend, readonly plan: FftPlan) {
    const { n, Bt, H, L, Lk, shift, Bp } = plan;
    this.tw = twiddlesOn(be, n);
    this.uniforms = { n, Bt, H, L, Lk, shift, Bp };
    if (plan.s > 0) {
      const bytes = Bp * H * n * 8;
      const max = deviceLimit(be, 'maxStorageBufferBindingSize', 134217728);
      if (bytes > max) {
        throw new Error(`fftConv (webgpu, FFT form): the spectrum of ${Bt}×${H} rows at n=${n} needs ${bytes} bytes, more than this device binds (maxStorageBufferBindingSize ${max}); split the batch or use the Toeplitz form`);
      }
    }
  }

  /** The kernel's spectrum (block-permuted), complex [H, n]. */
  spectrum(k: TensorInfo): TensorInfo {
    const { H } = this.plan;
    const x = this.dif({ kind: 'kern', t: k }, H);
    const out = this.wg('fft', [x], H, null, {});
    if (x.kind === 'cplx') disposeInfos(this.be, [x.t]);
    return out;
  }

  /** Real rows of ifft(fft(src)·K) (K conjugated for du), first L, + D·src when D is given. */
  convolve(src: TensorInfo, kf: TensorInfo, conj: boolean, D: TensorInfo | null): TensorInfo {
    const { Bt, H, L, Bp, s } = this.plan;
    const sink: Sink = { kind: D ? 'rowsD' : 'rows', shape: [Bt, H, L], extra: D ? [src, D] : [] };
    const x = this.dif({ kind: 'pack', t: src }, Bp * H);
    if (s === 0) return this.wg('conv', [x, { kind: 'cplx', t: kf }], Bp * H, sink, { conj });
    const z = this.wg('conv', [x, { kind: 'cplx', t: kf }], Bp * H, null, { conj });
    disposeInfos(this.be, [x.t]);
    return this.dit(z, Bp * H, sink);
  }

  /** dk[h, j] = Σ_b Σ_l dy[b,h,l]·u[b,h,l+shift−j] (j < Lk): Re ifft(Σ_p Zdy·conj(Zu)). */
  correlate(dy: TensorInfo, u: TensorInfo): TensorInfo {
    const { H, Lk, Bp, s } = this.plan;
    const sink: Sink = { kind: 'dk', shape: [H, Lk], extra: [] };
    const a = this.dif({ kind: 'pack', t: dy }, Bp * H);
    const b = this.dif({ kind: 'pack', t: u }, Bp * H);
    if (s === 0) return this.wg('corr', [a, b], H, sink, {});
    const z = this.wg('corr', [a, b], H, null, {});
    disposeInfos(this.be, [a.t, b.t]);
    return this.dit(z, H, sink);
  }

  /** The s forward global stages (none when a row fits a workgroup: the source is then read as is). */
  private dif(src: Source, rows: number): Source {
    let cur = src;
    for (let q = 0; q < this.plan.s; q++) {
      const next = this.stage(cur, rows, q, false, null);
      if (cur !== src) disposeInfos(this.be, [cur.t]);
      cur = { kind: 'cplx', t: next };
    }
    return cur;
  }

  /** The s inverse global stages from a complex buffer (consumed); the last writes the sink. */
  private dit(z: TensorInfo, rows: number, sink: Sink): TensorInfo {
    let cur = z;
    for (let q = this.plan.s - 1; q >= 0; q--) {
      const next = this.stage({ kind: 'cplx', t: cur }, rows, q, true, q === 0 ? sink : null);
      disposeInfos(this.be, [cur]);
      cur = next;
    }
    return cur;
  }

  private stage(src: Source, rows: number, q: number, inverse: boolean, sink: Sink | null): TensorInfo {
    const { n } = this.plan;
    const count = (rows * n) / 2;
    const wgSize = 64;
    const storeKind: StoreKind = sink ? sink.kind : 'cplx';
    return runFftProgram(this.be, {
      name: `stage${inverse ? 'Inv' : 'Fwd'}`,
      key: `${src.kind}_${storeKind}`,
      outputShape: sink ? sink.shape : [rows, n, 2],
      inputs: [src.t, this.tw, ...(sink?.extra ?? [])],
      variableNames: ['xa', 'tw', ...(sink?.kind === 'rowsD' ? ['srcv', 'dv'] : [])],
      groups: Math.ceil(count / wgSize),
      workgroupSize: wgSize,
      uniforms: { ...this.uniforms, count, hs: n >> (q + 1), tstride: 1 << q },
      body: [COMMON, loadFn('loadA', src.kind, 'xa'), storeFn(storeKind), stageBody(inverse, sink != null)].join('\n'),
    });
  }

  /** One workgroup pass over `rows` rows × 2^s blocks. srcs: [loadA] (fft), [loadA, kf] (conv), [loadA, loadB] (corr). */
  private wg(mode: WgMode, srcs: Source[], rows: number, sink: Sink | null, o: { conj?: boolean }): TensorInfo {
    const { n, m, s, threads: T } = this.plan;
    const blocks = 1 << s;
    const storeKind: StoreKind = sink ? sink.kind : 'cplx';
    const names = mode === 'conv' ? ['xa', 'kf'] : mode === 'corr' ? ['xa', 'xb'] : ['xa'];
    const loads = [loadFn('loadA', srcs[0].kind, 'xa'), mode === 'corr' ? loadFn('loadB', srcs[1].kind, 'xb') : ''];
    return runFftProgram(this.be, {
      name: `wg_${mode}`,
      key: `${m}_${T}_${srcs.map((x) => x.kind).join('')}_${storeKind}_${o.conj ? 1 : 0}`,
      outputShape: sink ? sink.shape : [rows, n, 2],
      inputs: [...srcs.map((x) => x.t), this.tw, ...(sink?.extra ?? [])],
      variableNames: [...names, 'tw', ...(sink?.kind === 'rowsD' ? ['srcv', 'dv'] : [])],
      groups: rows * blocks,
      workgroupSize: T,
      uniforms: { ...this.uniforms, count: rows * blocks, blocks },
      body: [COMMON, ...loads, storeFn(storeKind), wgBody(mode, { M: m, T }, { conj: o.conj, final: sink != null })].join('\n'),
    });
  }
}
