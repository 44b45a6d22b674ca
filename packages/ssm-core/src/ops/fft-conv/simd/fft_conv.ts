// FFT convolution kernels (module fft_conv). Per channel h the kernel's spectrum is computed
// once and reused for every batch row. The kernel is stored rotated, k[j] at index
// (j - shift) mod n, so the output (forward) and grad_u (backward) start at index 0 for both
// modes (shift = 0 causal, L - 1 two-sided); grad_k is read back with the same rotation.
// The backward recomputes FFT(u) and FFT(k) rather than saving spectra from the forward: saving
// would keep n+2 floats per (b, h) row (twice the input) to skip 2 of the 5 transforms per row
// (Bt = 1), measured ~25% of the backward, so recomputing is the better trade for memory.
import { cfft, fillTables, quarterFloats } from './_fft';
import { loadReal, realPost, realPre, storeReal } from './_real';

// Scratch layout (f32 elements, each block rounded up to 4 elements = 16 bytes).
@inline function r4(n: i32): i32 {
  return (n + 3) & ~3;
}

let twr: usize, twi: usize, tw3: usize, rtwr: usize, rtwi: usize;
let Kr: usize, Ki: usize, Xr: usize, Xi: usize, Gr: usize, Gi: usize, Dr: usize, Di: usize;
let Ar: usize, Ai: usize, Br: usize, Bi: usize, T: usize;

/** Number of f32 scratch elements the kernels need for complex size N (real size 2N). */
export function scratchFloats(N: i32): i32 {
  const np = r4(N), fp = r4(N + 1);
  return 2 * np + 4 * quarterFloats(N) + 10 * fp + 4 * np + r4(2 * N);
}

function layout(scratch: usize, N: i32): void {
  const np = <usize>r4(N) << 2, fp = <usize>r4(N + 1) << 2;
  let p = scratch;
  twr = p; p += np; twi = p; p += np;
  tw3 = p; p += <usize>(4 * quarterFloats(N)) << 2;
  rtwr = p; p += fp; rtwi = p; p += fp;
  Kr = p; p += fp; Ki = p; p += fp;
  Xr = p; p += fp; Xi = p; p += fp;
  Gr = p; p += fp; Gi = p; p += fp;
  Dr = p; p += fp; Di = p; p += fp;
  Ar = p; p += np; Ai = p; p += np;
  Br = p; p += np; Bi = p; p += np;
  T = p;
  fillTables(N, twr, twi, tw3, rtwr, rtwi);
}

/** Half spectrum (N+1 bins) of the real signal src[0..len), zero-padded to 2N, into (outR, outI). */
function rfft(src: usize, len: i32, N: i32, outR: usize, outI: usize): void {
  loadReal(src, len, Ar, Ai, N);
  if (cfft(Ar, Ai, Br, Bi, N, twr, twi, tw3)) realPost(Br, Bi, N, rtwr, rtwi, outR, outI);
  else realPost(Ar, Ai, N, rtwr, rtwi, outR, outI);
}

/** dst[l] = scale · irfft(X)[l] + d · skip[l] for l < len (X unnormalized: scale = 1/N). */
function irfft(sr: usize, si: usize, N: i32, dst: usize, len: i32, d: f32, skip: usize): void {
  realPre(sr, si, N, rtwr, rtwi, Ar, Ai);
  // Inverse FFT as swap(FFT(swap(Z))): pass (Ai, Ar) as (re, im); the result's re is in the im slot.
  const scale = <f32>(1.0 / <f64>N);
  if (cfft(Ai, Ar, Bi, Br, N, twr, twi, tw3)) storeReal(Br, Bi, dst, len, scale, d, skip);
  else storeReal(Ar, Ai, dst, len, scale, d, skip);
}

/** Kernel row kh (length Lk) rotated into T (length n = 2N), then its half spectrum into (Kr, Ki). */
function kernelSpectrum(kh: usize, Lk: i32, shift: i32, N: i32): void {
  const n = 2 * N;
  memory.fill(T, 0, <usize>n << 2);
  for (let j = 0; j < Lk; j++) {
    let i = j - shift;
    if (i < 0) i += n;
    store<f32>(T + (<usize>i << 2), load<f32>(kh + (<usize>j << 2)));
  }
  rfft(T, n, N, Kr, Ki);
}

/** out (+)= a · b, or a · conj(b) when conjB, over bins [0, N] (acc adds into out). */
function cmulInto(ar: usize, ai: usize, br: usize, bi: usize, outR: usize, outI: usize, N: i32, conjB: bool, acc: bool): void {
  const cnt = <usize>r4(N + 1) << 2;
  const sgn = f32x4.splat(conjB ? -1 : 1);
  for (let o: usize = 0; o < cnt; o += 16) {
    const a = v128.load(ar + o), b = v128.load(ai + o);
    const c = v128.load(br + o), d = f32x4.mul(sgn, v128.load(bi + o));
    let re = f32x4.sub(f32x4.mul(a, c), f32x4.mul(b, d));
    let im = f32x4.add(f32x4.mul(a, d), f32x4.mul(b, c));
    if (acc) {
      re = f32x4.add(re, v128.load(outR + o));
      im = f32x4.add(im, v128.load(outI + o));
    }
    v128.store(outR + o, re);
    v128.store(outI + o, im);
  }
}

/**
 * y[b,h,l] = Σ_j k[h,j] u[b,h,l+shift-j] (+ d[h] u[b,h,l] when hasD). u, y: (B, H, L); k: (H, Lk).
 * N = n/2 with n a power of two >= L + Lk - 1 - shift and >= L + shift.
 */
export function convForward(u: usize, k: usize, d: usize, y: usize, B: i32, H: i32, L: i32, Lk: i32,
  shift: i32, N: i32, scratch: usize, hasD: i32): void {
  layout(scratch, N);
  // The scratch beyond the spectra is rewritten per transform; only the padding lanes of the
  // (N+1)-bin blocks must be finite, since cmulInto runs over whole vectors.
  memory.fill(Kr, 0, <usize>(8 * r4(N + 1)) << 2);
  for (let h = 0; h < H; h++) {
    kernelSpectrum(k + (<usize>(h * Lk) << 2), Lk, shift, N);
    const dh: f32 = hasD ? load<f32>(d + (<usize>h << 2)) : 0;
    for (let b = 0; b < B; b++) {
      const row = <usize>((b * H + h) * L) << 2;
      rfft(u + row, L, N, Xr, Xi);
      cmulInto(Xr, Xi, Kr, Ki, Xr, Xi, N, false, false);
      irfft(Xr, Xi, N, y + row, L, dh, u + row);
    }
  }
}

/**
 * Gradients of convForward: gu = corr(dy, k) (+ d·dy), gk[h] = Σ_b corr(dy, u) rotated back,
 * gd[h] = Σ_{b,l} dy·u. gk: (H, Lk); gd: (H) (written only when hasD).
 */
export function convBackward(u: usize, k: usize, d: usize, dy: usize, gu: usize, gk: usize, gd: usize,
  B: i32, H: i32, L: i32, Lk: i32, shift: i32, N: i32, scratch: usize, hasD: i32): void {
  layout(scratch, N);
  memory.fill(Kr, 0, <usize>(8 * r4(N + 1)) << 2);
  const n = 2 * N;
  for (let h = 0; h < H; h++) {
    kernelSpectrum(k + (<usize>(h * Lk) << 2), Lk, shift, N);
    const dh: f32 = hasD ? load<f32>(d + (<usize>h << 2)) : 0;
    let dot: f64 = 0;
    for (let b = 0; b < B; b++) {
      const row = <usize>((b * H + h) * L) << 2;
      rfft(dy + row, L, N, Dr, Di);
      rfft(u + row, L, N, Xr, Xi);
      cmulInto(Dr, Di, Xr, Xi, Gr, Gi, N, true, b > 0);
      cmulInto(Dr, Di, Kr, Ki, Xr, Xi, N, true, false);
      irfft(Xr, Xi, N, gu + row, L, dh, dy + row);
      if (hasD) {
        let acc = f32x4.splat(0);
        let l = 0;
        for (; l + 4 <= L; l += 4) {
          const o = row + (<usize>l << 2);
          acc = f32x4.add(acc, f32x4.mul(v128.load(dy + o), v128.load(u + o)));
        }
        let s: f64 = <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) +
          <f64>(f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
        for (; l < L; l++) s += <f64>(load<f32>(dy + row + (<usize>l << 2)) * load<f32>(u + row + (<usize>l << 2)));
        dot += s;
      }
    }
    irfft(Gr, Gi, N, T, n, 0, 0);
    for (let j = 0; j < Lk; j++) {
      let i = j - shift;
      if (i < 0) i += n;
      store<f32>(gk + (<usize>(h * Lk + j) << 2), load<f32>(T + (<usize>i << 2)));
    }
    if (hasD) store<f32>(gd + (<usize>h << 2), <f32>dot);
  }
}
