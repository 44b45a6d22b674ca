import type * as tfl from '@tensorflow/tfjs-layers';
import { buildSMamba } from './sMamba';
import { buildSpaceTime } from './spaceTime';
import { buildTsm2 } from './tsm2';
import type { ForecastShape } from './shape';

export type ForecastModelKind = 's-mamba' | 'spacetime' | 'tsm2';
export const FORECAST_MODELS: readonly ForecastModelKind[] = ['s-mamba', 'spacetime', 'tsm2'];

/** Builds any forecasting model by kind, preset and overrides (validated by the model's builder). */
export function buildForecastModel(kind: ForecastModelKind, shape: ForecastShape, preset = 'paper', overrides: Record<string, unknown> = {}): tfl.LayersModel {
  if (kind === 's-mamba') return buildSMamba(shape, preset, overrides);
  if (kind === 'spacetime') return buildSpaceTime(shape, preset, overrides);
  if (kind === 'tsm2') return buildTsm2(shape, preset, overrides);
  throw new Error(`model: expected one of ${FORECAST_MODELS.join(', ')}, received '${String(kind)}'`);
}

export * from './sMamba';
export * from './spaceTime';
export * from './tsm2';
export * from './instanceNorm';
export * from './companionLayers';
export { companionKernel, companionMatrices, krylovColumns, krylovRows, normalizeL1 } from './companion';
export type { ForecastShape } from './shape';
export * from './layerNorm';
