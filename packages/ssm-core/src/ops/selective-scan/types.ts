import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';

/** Arguments of selectiveScan (Mamba S6); shapes use Bt = batch, D = channels, L = length, N = state. */
export interface SelectiveScanArgs {
  /** (Bt, D, L) float32 input */
  u: Tensor3D;
  /** (Bt, D, L) step sizes (raw: see deltaBias / deltaSoftplus) */
  delta: Tensor3D;
  /** (D, N) real state matrix, usually negative (-exp(A_log)) */
  A: Tensor2D;
  /** (Bt, N, L), or grouped (Bt, G, N, L) with D % G == 0: channel d uses group floor(d / (D/G)) */
  B: Tensor;
  /** same form and group count as B */
  C: Tensor;
  /** (D) skip: y += D·u */
  D?: Tensor1D;
  /** (Bt, D, L) gate: out = (y + D·u)·silu(z) */
  z?: Tensor3D;
  /** (D) added to delta before the softplus */
  deltaBias?: Tensor1D;
  /** delta <- softplus(delta + deltaBias) */
  deltaSoftplus?: boolean;
  /** (Bt, D, N) state before the first step (of the first segment, in scan order) */
  initialState?: Tensor3D;
  /** then { y, lastState } with lastState (Bt, D, N) */
  returnLastState?: boolean;
  /** scan right to left (t = L-1..0); lastState is then the state after t = 0 */
  reverse?: boolean;
  /** (Bt, L) int32: the state resets to 0 wherever the id changes between neighbours in scan order */
  segmentIds?: Tensor2D;
}

export interface SelectiveScanResult {
  y: Tensor3D;
  lastState: Tensor3D;
}
