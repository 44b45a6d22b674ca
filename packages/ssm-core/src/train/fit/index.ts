export { fit } from './fit';
export { loadCheckpoint, saveModelAtomically, STATE_JSON, OPTIMIZER_BIN } from './checkpoint';
export type { FitOptions, FitResult, EpochRecord, FitState } from './types';
