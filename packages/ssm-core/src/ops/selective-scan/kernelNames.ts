/** tfjs kernel names of the fused selective scan (forward and its gradient). */
export const SELECTIVE_SCAN = 'StatespaceSelectiveScan';
export const SELECTIVE_SCAN_GRAD = 'StatespaceSelectiveScanGrad';

/** Optional inputs: passed to the kernels as a scalar placeholder when absent (tfjs saves inputs by name). */
export const OPTIONAL_INPUTS = ['D', 'z', 'deltaBias', 'initialState', 'segmentIds'] as const;

/** Kernel attrs (all present on every call). */
export interface SelectiveScanAttrs {
  hasD: boolean;
  hasZ: boolean;
  hasBias: boolean;
  hasInit: boolean;
  hasSeg: boolean;
  deltaSoftplus: boolean;
  reverse: boolean;
  returnLastState: boolean;
  [key: string]: boolean;
}
