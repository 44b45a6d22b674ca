/**
 * Independent float64 plain-JS oracles of the Mamba2 and Hydra layers (no tf ops, no chunking):
 * dense projections, direct depthwise convolution, the SSD recurrence token by token, the gated
 * RMSNorm and the output projection.
 */
export interface JsMixerDims {
  b: number;
  L: number;
  dModel: number;
  dInner: number;
  H: number;
  P: number;
  G: number;
  N: number;
  W: number;
}

const silu = (v: number) => v / (1 + Math.exp(-v));
const softplus = (v: number) => (v > 20 ? v : Math.log1p(Math.exp(v)));

/** (rows, K) · (K, M) row-major. */
function matmul(a: ArrayLike<number>, rows: number, K: number, w: ArrayLike<number>, M: number): number[] {
  const out = new Array<number>(rows * M).fill(0);
  for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) {
    const v = a[r * K + k];
    for (let m = 0; m < M; m++) out[r * M + m] += v * w[k * M + m];
  }
  return out;
}

/**
 * SSD recurrence of one batch row over tokens `order` (forward or reversed): per head, S (P, N) ←
 * exp(dt·A)·S + dt·x ⊗ B; out[t] = S·C (+ D·x). xs (L, H·P); Bs/Cs (L, G·N); dts (L, H) raw.
 */
function scan(d: JsMixerDims, xs: number[][], Bs: number[][], Cs: number[][], dts: number[][], A: number[], dtBias: number[], D: number[] | null,
  order: number[]): number[][] {
  const { H, P, G, N } = d;
  const out = xs.map((r) => new Array<number>(r.length).fill(0));
  for (let h = 0; h < H; h++) {
    const g = Math.floor(h / (H / G));
    const S = new Array<number>(P * N).fill(0);
    for (const t of order) {
      const dt = softplus(dts[t][h] + dtBias[h]);
      const a = Math.exp(dt * A[h]);
      for (let p = 0; p < P; p++) {
        const xv = xs[t][h * P + p];
        let y = D ? D[h] * xv : 0;
        for (let n = 0; n < N; n++) {
          S[p * N + n] = a * S[p * N + n] + dt * xv * Bs[t][g * N + n];
          y += S[p * N + n] * Cs[t][g * N + n];
        }
        out[t][h * P + p] = y;
      }
    }
  }
  return out;
}

/** Layer forward in float64; w: weights by short name (flat, row-major); x (b, L, dModel) flat. */
export function jsMixer(kind: 'mamba2' | 'hydra', w: Record<string, number[]>, x: ArrayLike<number>, d: JsMixerDims): number[] {
  const { b, L, dModel, dInner, H, G, N, W } = d;
  const dirs = kind === 'hydra' ? 2 : 1;
  const convDim = dInner + 2 * dirs * G * N;
  const dProj = dInner + convDim + dirs * H;
  const A = w.ssm_A_log.map((v) => -Math.exp(v));
  const out: number[] = [];
  for (let bi = 0; bi < b; bi++) {
    const proj = matmul(Array.from(x).slice(bi * L * dModel, (bi + 1) * L * dModel), L, dModel, w.in_proj_kernel, dProj);
    const row = (t: number, off: number, n: number) => proj.slice(t * dProj + off, t * dProj + off + n);
    const half = kind === 'hydra' ? (W - 1) / 2 : W - 1; // taps before the current token
    const conv: number[][] = [];
    for (let t = 0; t < L; t++) {
      const r: number[] = [];
      for (let c = 0; c < convDim; c++) {
        let s = w.conv_bias[c];
        for (let j = 0; j < W; j++) {
          const src = t - half + j;
          if (src >= 0 && src < L) s += w.conv_weight[c * W + j] * proj[src * dProj + dInner + c];
        }
        r.push(silu(s));
      }
      conv.push(r);
    }
    const gn = G * N;
    const xs = conv.map((r) => r.slice(0, dInner));
    const part = (k: number) => conv.map((r) => r.slice(dInner + k * gn, dInner + (k + 1) * gn));
    const dtPart = (k: number) => Array.from({ length: L }, (_, t) => row(t, dInner + convDim + k * H, H));
    const fwd = Array.from({ length: L }, (_, t) => t);
    let y: number[][];
    if (kind === 'mamba2') {
      y = scan(d, xs, part(0), part(1), dtPart(0), A, w.ssm_dt_bias, w.ssm_D, fwd);
    } else {
      const yf = scan(d, xs, part(0), part(1), dtPart(0), A, w.ssm_dt_bias, null, fwd);
      const yb = scan(d, xs, part(2), part(3), dtPart(1), A, w.ssm_dt_bias, null, [...fwd].reverse());
      const diag = matmul(xs.flat(), L, dInner, w.fc_D_kernel, H);
      y = xs.map((r, t) => r.map((v, i) => {
        const h = Math.floor(i / d.P);
        return (t > 0 ? yf[t - 1][i] : 0) + (t < L - 1 ? yb[t + 1][i] : 0) + (diag[t * H + h] + w.ssm_D[h]) * v;
      }));
    }
    // Mamba-2: RMSNorm(y·silu(z)) per group of dInner/G; Hydra: RMSNorm(y)·silu(z) over all dInner.
    const groups = kind === 'hydra' ? 1 : G;
    const gs = dInner / groups;
    const normed: number[] = [];
    for (let t = 0; t < L; t++) {
      const z = row(t, 0, dInner);
      const v = kind === 'hydra' ? y[t] : y[t].map((yv, i) => yv * silu(z[i]));
      for (let g = 0; g < groups; g++) {
        let ms = 0;
        for (let i = g * gs; i < (g + 1) * gs; i++) ms += v[i] * v[i];
        const r = 1 / Math.sqrt(ms / gs + 1e-5);
        for (let i = g * gs; i < (g + 1) * gs; i++) normed.push(v[i] * r * w.norm_weight[i] * (kind === 'hydra' ? silu(z[i]) : 1));
      }
    }
    out.push(...matmul(normed, L, dInner, w.out_proj_kernel, dModel));
  }
  return out;
}
