import { scaleOf } from './fftShaders';

/**
 * Workgroup kernels of the FFT form: one workgroup transforms one block of M points (a whole row
 * when n ≤ M) in workgroup memory, T threads, each doing BPT = M/(2T) butterflies per stage.
 * The workgroup index g (groupIndex()) maps to (row, block) = (g / blocks, g % blocks); groups past
 * `count` (padding of the 2-D dispatch) compute but never read or write global memory, so every
 * thread reaches every barrier (WGSL requires barriers in uniform control flow).
 */
export type WgMode = 'fft' | 'conv' | 'corr';

export interface WgShape {
  M: number;
  T: number;
}

/** Threads per workgroup for blocks of M points: at most `cap` (a power of two) and M/2. */
export function wgThreads(M: number, cap: number): number {
  return Math.max(1, Math.min(cap, M / 2));
}

/** Stockham radix-2 DFT of sh[0..M) in natural order (inv: conjugate twiddles, no 1/M). */
function wgFftFn({ M, T }: WgShape): string {
  const BPT = M / (2 * T);
  return `
const M = ${M};
const T = ${T};
const BPT = ${BPT};
const E = ${2 * BPT};
var<workgroup> sh : array<vec2<f32>, ${M}>;

fn wgFft(t : i32, inv : bool) {
  var v : array<vec2<f32>, E>;
  for (var ns = 1; ns < M; ns = ns * 2) {
    let stride = uniforms.n / (2 * ns);
    for (var r = 0; r < BPT; r = r + 1) {
      let j = t + r * T;
      let a = sh[j];
      let b = cmul(sh[j + M / 2], twid((j % ns) * stride, inv));
      v[2 * r] = a + b;
      v[2 * r + 1] = a - b;
    }
    workgroupBarrier();
    for (var r = 0; r < BPT; r = r + 1) {
      let j = t + r * T;
      let d = (j / ns) * ns * 2 + j % ns;
      sh[d] = v[2 * r];
      sh[d + ns] = v[2 * r + 1];
    }
    workgroupBarrier();
  }
}`;
}

const PROLOGUE = `
  let t = i32(localIndex);
  let g = groupIndex();
  let live = g < uniforms.count;
  let row = g / uniforms.blocks;
  let off = (g % uniforms.blocks) * M;`;

const LOAD_A = `
  for (var e = 0; e < E; e = e + 1) { let i = t + e * T; if (live) { sh[i] = loadA(ROW, off + i); } }
  workgroupBarrier();`;

/**
 * fft: forward transform of loadA's block, stored as is. conv: forward, times the kernel spectrum
 * kf[row % H] (conjugated for du), inverse, stored with `final`'s scale. corr (row = channel h):
 * Σ_p fft(loadA(p·H + h))·conj(fft(loadB(p·H + h))) over the Bp row pairs, then inverse.
 */
export function wgBody(mode: WgMode, shape: WgShape, opts: { conj?: boolean; final: boolean }): string {
  const sc = scaleOf(opts.final);
  const store = `
  for (var e = 0; e < E; e = e + 1) { let i = t + e * T; if (live) { store(row, off + i, sh[i] * ${sc}); } }`;
  let core: string;
  if (mode === 'fft') {
    core = `${LOAD_A.replace('ROW', 'row')}
  wgFft(t, false);
  for (var e = 0; e < E; e = e + 1) { let i = t + e * T; if (live) { store(row, off + i, sh[i]); } }`;
  } else if (mode === 'conv') {
    core = `${LOAD_A.replace('ROW', 'row')}
  wgFft(t, false);
  let h = row % uniforms.H;
  for (var e = 0; e < E; e = e + 1) {
    let i = t + e * T;
    let o = 2 * (h * uniforms.n + off + i);
    if (live) { sh[i] = cmul(sh[i], ${opts.conj ? 'conjz' : ''}(vec2<f32>(kf[o], kf[o + 1]))); }
  }
  workgroupBarrier();
  wgFft(t, true);${store}`;
  } else {
    core = `
  var acc : array<vec2<f32>, E>;
  var zd : array<vec2<f32>, E>;
  for (var p = 0; p < uniforms.Bp; p = p + 1) {
    let pr = p * uniforms.H + row;${LOAD_A.replace('ROW', 'pr')}
    wgFft(t, false);
    for (var e = 0; e < E; e = e + 1) { zd[e] = sh[t + e * T]; }
    workgroupBarrier();
    for (var e = 0; e < E; e = e + 1) { let i = t + e * T; if (live) { sh[i] = loadB(pr, off + i); } }
    workgroupBarrier();
    wgFft(t, false);
    for (var e = 0; e < E; e = e + 1) { acc[e] = acc[e] + cmul(zd[e], conjz(sh[t + e * T])); }
    workgroupBarrier();
  }
  for (var e = 0; e < E; e = e + 1) { sh[t + e * T] = acc[e]; }
  workgroupBarrier();
  wgFft(t, true);${store}`;
  }
  return `${wgFftFn(shape)}
fn main(index : i32) {${PROLOGUE}${core}
}`;
}
