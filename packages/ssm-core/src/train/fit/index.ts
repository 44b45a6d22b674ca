export { fit } from './fit';
export { loadCheckpoint, saveModelAtomically, STATE_JSON, OPTIMIZER_BIN } from './checkpoint';
export type { FitOptions, FitResult, EpochRecord, FitState, DataParallelOptions } from './types';
export { GradientWorkers, type GradientPart, type GradientWorkersOptions, type RemoteGradient } from './gradientWorkers';
export { serveGradients, type GradientServer } from './serveGradients';
