/**
 * WGSL for the FFT form of fftConv on webgpu. Complex buffers are float32 [rows, n, 2]. Rows of the
 * input are packed in pairs sharing a channel: z = u[p] + i·u[p + Bp] (Bp = ⌈Bt/2⌉). Since the
 * kernel is real, ifft(fft(z)·K) = u[p]∗k + i·(u[p+Bp]∗k): one complex FFT serves two real rows
 * with no unpacking of spectra (and Re ifft(Σ_p Zdy_p·conj(Zu_p)) = Σ_b dy_b ⋆ u_b for dk).
 *
 * Layout: with n larger than a workgroup holds, s radix-2 decimation-in-frequency stages (one
 * dispatch each) split every row into 2^s independent blocks of m = n/2^s points; a workgroup then
 * transforms one block in workgroup memory (Stockham, natural order). The spectrum is therefore
 * stored block-permuted (bit-reversed block order), the same for u, dy and k, which is all a
 * pointwise product needs; the inverse runs the same steps backwards (decimation in time).
 * Twiddles come from a host table tw[e] = exp(−2πi·e/n), e < n/2 (float64 → float32: exact to
 * rounding, unlike WGSL's sin/cos whose spec allows 2^-11 absolute error).
 */

/** Where a pass reads complex values from: a packed real tensor, the rotated kernel, a complex buffer. */
export type LoadKind = 'pack' | 'kern' | 'cplx';
/** Where a pass writes: a complex buffer, the real rows of y / du (+ D·src), or dk (un-rotated). */
export type StoreKind = 'cplx' | 'rows' | 'rowsD' | 'dk';

export const COMMON = `
fn cmul(a : vec2<f32>, b : vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
fn conjz(a : vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x, -a.y); }
fn twid(e : i32, inv : bool) -> vec2<f32> {
  let w = vec2<f32>(tw[2 * e], tw[2 * e + 1]);
  if (inv) { return conjz(w); }
  return w;
}`;

/** fn <fnName>(row, pos) -> vec2<f32>: the value at position pos (< n) of complex row `row`. */
export function loadFn(fnName: string, kind: LoadKind, v: string): string {
  const head = `fn ${fnName}(row : i32, pos : i32) -> vec2<f32> {`;
  if (kind === 'cplx') return `${head} let o = 2 * (row * uniforms.n + pos); return vec2<f32>(${v}[o], ${v}[o + 1]); }`;
  if (kind === 'kern') {
    // Rotated kernel kb[pos] = k[(pos + shift) mod n] (zero past Lk); one real row per channel.
    return `${head}
  let j = (pos + uniforms.shift) % uniforms.n;
  if (j >= uniforms.Lk) { return vec2<f32>(0.0, 0.0); }
  return vec2<f32>(${v}[row * uniforms.Lk + j], 0.0);
}`;
  }
  return `${head}
  if (pos >= uniforms.L) { return vec2<f32>(0.0, 0.0); }
  let row1 = row + uniforms.Bp * uniforms.H;
  var im = 0.0;
  if (row1 < uniforms.Bt * uniforms.H) { im = ${v}[row1 * uniforms.L + pos]; }
  return vec2<f32>(${v}[row * uniforms.L + pos], im);
}`;
}

/** fn store(row, pos, v): writes a (scaled) complex result. 'rowsD' adds D[h]·src (the skip term). */
export function storeFn(kind: StoreKind): string {
  const head = 'fn store(row : i32, pos : i32, v : vec2<f32>) {';
  if (kind === 'cplx') return `${head} let o = 2 * (row * uniforms.n + pos); result[o] = v.x; result[o + 1] = v.y; }`;
  if (kind === 'dk') {
    return `${head}
  let j = (pos + uniforms.shift) % uniforms.n;
  if (j < uniforms.Lk) { result[row * uniforms.Lk + j] = v.x; }
}`;
  }
  const skip = (i: string) => (kind === 'rowsD' ? ` + dv[row % uniforms.H] * srcv[${i}]` : '');
  return `${head}
  if (pos >= uniforms.L) { return; }
  let i0 = row * uniforms.L + pos;
  result[i0] = v.x${skip('i0')};
  let row1 = row + uniforms.Bp * uniforms.H;
  if (row1 < uniforms.Bt * uniforms.H) {
    let i1 = row1 * uniforms.L + pos;
    result[i1] = v.y${skip('i1')};
  }
}`;
}

/** 1/n where a pass emits the final inverse transform, else 1. */
export const scaleOf = (final: boolean): string => (final ? '(1.0 / f32(uniforms.n))' : '1.0');

/**
 * One radix-2 stage over whole rows, one thread per butterfly (count = rows·n/2). Forward
 * (decimation in frequency): blocks of 2·hs, a' = a + b, b' = (a − b)·w^i. Inverse: its transpose,
 * a' = a + b·w̄^i, b' = a − b·w̄^i (unnormalized; the last stage applies 1/n). w^i = tw[i·tstride].
 */
export function stageBody(inverse: boolean, final: boolean): string {
  const sc = scaleOf(final);
  const butterfly = inverse
    ? `let a = loadA(row, p0);
  let b = cmul(loadA(row, p1), twid(i * uniforms.tstride, true));
  store(row, p0, (a + b) * ${sc});
  store(row, p1, (a - b) * ${sc});`
    : `let a = loadA(row, p0);
  let b = loadA(row, p1);
  store(row, p0, a + b);
  store(row, p1, cmul(a - b, twid(i * uniforms.tstride, false)));`;
  return `
fn main(index : i32) {
  if (index >= uniforms.count) { return; }
  let hn = uniforms.n / 2;
  let row = index / hn;
  let j = index % hn;
  let i = j % uniforms.hs;
  let p0 = (j / uniforms.hs) * 2 * uniforms.hs + i;
  let p1 = p0 + uniforms.hs;
  ${butterfly}
}`;
}
