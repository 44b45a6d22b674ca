/** Names and attributes of the fused SSD scan kernels (shared by the op and its registration). */
export const SSD_SCAN_KERNEL = 'StatespaceSsdScan';
export const SSD_SCAN_GRAD_KERNEL = 'StatespaceSsdScanGrad';

/**
 * Inputs travel as an array [x, dt, A, B, C, then the present ones of D, z, dtBias, initialState, segmentIds]
 * (saveAllInputs needs an array; absent optionals are not passed), so the attrs say which are there.
 * The grad kernel takes [...those inputs, dy, dLastState?] and returns one gradient per input.
 */
export interface SsdScanAttrs {
  hasD: boolean;
  dPerChannel: boolean;
  hasZ: boolean;
  hasDtBias: boolean;
  hasInit: boolean;
  hasSeg: boolean;
  dtSoftplus: boolean;
  returnLastState: boolean;
  [key: string]: boolean;
}
