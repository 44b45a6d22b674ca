/** tfjs kernel names of the fused causal conv1d (forward and its gradient). */
export const CAUSAL_CONV1D_KERNEL = 'StatespaceCausalConv1d';
export const CAUSAL_CONV1D_GRAD_KERNEL = 'StatespaceCausalConv1dGrad';
/** Widest filter the kernels support (Mamba uses 4). */
export const MAX_CONV_WIDTH = 8;

/** Attributes both kernels receive; `has*` say which optional inputs the caller supplied. */
export interface CausalConv1dAttrs {
  activation: 'silu' | 'none';
  hasBias: boolean;
  hasSegments: boolean;
  hasState: boolean;
}
