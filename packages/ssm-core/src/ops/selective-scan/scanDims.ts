/** Sizes of one selective-scan call: Bt batch, D channels, L steps, N states, G groups of B/C. */
export interface ScanDims {
  Bt: number;
  D: number;
  L: number;
  N: number;
  G: number;
}

type Shaped = { shape: number[] };

/**
 * The sizes from the kernel inputs' shapes: u (Bt, D, L), A (D, N), B (Bt, N, L) or grouped
 * (Bt, G, N, L). selectiveScan validated them; the cpu/wasm and webgpu kernels both read them here.
 */
export function scanDimsOf(u: Shaped, A: Shaped, B: Shaped): ScanDims {
  const [Bt, D, L] = u.shape;
  return { Bt, D, L, N: A.shape[1], G: B.shape.length === 4 ? B.shape[1] : 1 };
}
