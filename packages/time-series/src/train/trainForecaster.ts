import * as fs from 'fs';
import * as path from 'path';
import { AdamW, fit, loadCheckpoint, ssmParameterGroup, type EpochRecord, type FitResult } from '@statespace/ssm-core';
import type { CsvReadOptions } from '../data/csvReader';
import { loadForecastData, type ForecastData } from '../data/forecastData';
import type { SplitProtocol } from '../data/splits';
import type { ForecastMode } from '../data/windows';
import { evaluateWindows, type ForecastMetrics } from '../eval/metrics';
import { writeForecastPng, writeTrainingCurvesPng } from '../eval/plots';
import { buildForecastModel, type ForecastModelKind } from '../models';
import { defaultRecipe, FORECAST_SCHEDULES, type ForecastSchedule } from './recipes';
import { disposeBatch, forecastLoss } from './loss';

export interface TrainForecasterOptions extends CsvReadOptions {
  csv: string;
  model: ForecastModelKind;
  lookback?: number;
  horizon: number;
  mode?: ForecastMode;
  targets?: string[];
  split?: SplitProtocol;
  preset?: string;
  overrides?: Record<string, unknown>;
  epochs?: number;
  lr?: number;
  batch?: number;
  patience?: number;
  weightDecay?: number;
  /** Learning-rate schedule (default: the recipe's). */
  schedule?: ForecastSchedule;
  seed?: number;
  out: string;
  resume?: boolean;
  maxMinutes?: number;
  /** Stop an epoch after this many batches (default: the recipe's). */
  maxBatches?: number;
  quiet?: boolean;
  plots?: boolean;
  /** Validate and test on every n-th window only (smoke runs; default 1 = all windows, the protocol). */
  evalStride?: number;
  log?: (line: string) => void;
}

/** What a checkpoint remembers so that evaluate / forecast can rebuild the data exactly. */
export interface ForecastCheckpointInfo {
  kind: 'statespace-ts';
  csv: string;
  model: ForecastModelKind;
  preset: string;
  lookback: number;
  horizon: number;
  mode: ForecastMode;
  targets: string[];
  columns: string[];
  split: SplitProtocol;
  missing?: string;
}

export interface TrainForecasterResult {
  dataset: string;
  model: ForecastModelKind;
  lookback: number;
  horizon: number;
  mse: number;
  mae: number;
  rmse: number;
  mape: number;
  val_mse: number;
  epochs: number;
  best_epoch: number;
  train_seconds: number;
  params: number;
  stop_reason: string;
  checkpoint: string;
  test_windows: number;
}

/** Trains a forecaster on a CSV with the kit's fit (early stopping on validation MSE, atomic checkpoints, resume), then tests the best checkpoint. */
export async function trainForecaster(o: TrainForecasterOptions): Promise<TrainForecasterResult & { history: EpochRecord[]; fit: FitResult; test: ForecastMetrics }> {
  const log = o.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const recipe = defaultRecipe(o.model, o.horizon);
  const schedule = o.schedule ?? recipe.schedule;
  if (!FORECAST_SCHEDULES.includes(schedule)) throw new Error(`trainForecaster: option 'schedule' expects one of ${FORECAST_SCHEDULES.join(', ')}, received '${String(schedule)}'`);
  const lookback = o.lookback ?? 96;
  const data = await loadForecastData(o.csv, { ...o, lookback, horizon: o.horizon });
  const info: ForecastCheckpointInfo = {
    kind: 'statespace-ts', csv: path.resolve(o.csv), model: o.model, preset: o.preset ?? recipe.preset, lookback, horizon: o.horizon,
    mode: data.mode, targets: data.targetColumns, columns: data.series.columns, split: data.protocol, missing: o.missing,
  };
  const model = buildForecastModel(o.model, shapeOf(data), info.preset, { seed: o.seed ?? 0, ...(o.overrides ?? {}) });
  const batch = o.batch ?? recipe.batch;
  const allBatches = Math.ceil(data.train.count / batch);
  const batchesPerEpoch = Math.min(allBatches, o.maxBatches ?? recipe.maxBatches);
  log(`${o.model}: ${model.countParams()} parameters; ${data.train.count} / ${data.val.count} / ${data.test.count} train / val / test windows; ${batchesPerEpoch} batches per epoch`);
  const ckpt = path.join(o.out, 'checkpoints');
  fs.mkdirSync(o.out, { recursive: true });
  const [lr, weightDecay] = [o.lr ?? recipe.lr, o.weightDecay ?? recipe.weightDecay];
  // 'halving': lr · 0.5^(epoch − 1), the S-Mamba / iTransformer scripts' schedule (update t is 1-based).
  const optimizer = schedule === 'halving'
    ? new AdamW({ lr: (t: number) => lr * 0.5 ** Math.floor((t - 1) / batchesPerEpoch), weightDecay, groups: [ssmParameterGroup()] })
    : undefined;
  const result = await fit({
    model,
    optimizer,
    lr,
    weightDecay,
    schedule: schedule === 'halving' ? 'constant' : schedule,
    epochs: o.epochs ?? recipe.epochs,
    batchesPerEpoch,
    trainBatches: function* (_epoch, rng) {
      const all = data.train.batchIndices(batch, rng);
      for (let i = 0; i < batchesPerEpoch; i++) yield data.train.batch(all[i]);
    },
    loss: forecastLoss,
    disposeBatch,
    validate: (m) => {
      const v = evaluateWindows(m, data.val, null, 256, o.evalStride ?? 1);
      return { loss: v.mse, mae: v.mae };
    },
    monitor: { metric: 'loss', mode: 'min' },
    patience: o.patience ?? recipe.patience,
    checkpointDir: ckpt,
    resume: o.resume,
    seed: o.seed ?? 0,
    maxSeconds: o.maxMinutes != null ? o.maxMinutes * 60 : undefined,
    extraState: { info, scaler: data.scaler.toJSON() },
    progress: !o.quiet,
    onEpochEnd: (e) => log(`epoch ${e.epoch}: train ${e.trainLoss.toFixed(4)} val ${e.val?.loss?.toFixed(4)} (${e.seconds.toFixed(0)} s)`),
  }).finally(() => optimizer?.dispose());
  model.dispose();
  const best = await loadCheckpoint(ckpt, 'best');
  const test = evaluateWindows(best.model, data.test, data.scaler, 256, o.evalStride ?? 1);
  if (o.plots !== false && result.history.length > 0) {
    await writeTrainingCurvesPng(path.join(o.out, 'training-curves.png'), result.history);
    await writeForecastPng(path.join(o.out, 'forecast.png'), best.model, data.test, data.scaler, { columnNames: data.series.columns, title: `${o.model} on ${path.basename(o.csv)}, test windows` });
  }
  const params = best.model.countParams();
  best.model.dispose();
  const bestVal = result.history.find((h) => h.epoch === result.bestEpoch)?.val?.loss ?? NaN;
  return {
    dataset: path.basename(o.csv).replace(/\.(csv|txt)$/i, ''),
    model: o.model, lookback, horizon: o.horizon,
    mse: test.mse, mae: test.mae, rmse: test.rmse, mape: test.mape, val_mse: bestVal,
    epochs: result.history.length, best_epoch: result.bestEpoch, train_seconds: result.trainSeconds, params,
    stop_reason: result.stopReason, checkpoint: path.join(ckpt, 'best'), test_windows: test.windows,
    history: result.history, fit: result, test,
  };
}

export function shapeOf(data: ForecastData): { lookback: number; horizon: number; nInputs: number; targetChannels: number[] | null } {
  const sameAsInputs = data.test.targetCols.length === data.test.inputCols.length && data.test.targetCols.every((c, i) => c === data.test.inputCols[i]);
  return {
    lookback: data.train.lookback,
    horizon: data.train.horizon,
    nInputs: data.test.inputCols.length,
    targetChannels: sameAsInputs ? null : data.test.targetCols.map((c) => data.test.inputCols.indexOf(c)),
  };
}
