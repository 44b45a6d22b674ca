import type { CliSpec, FlagSpec } from '@statespace/ssm-core';
import { MISSING_POLICIES } from '../data/csvReader';
import { SPLIT_PROTOCOLS } from '../data/splits';
import { FORECAST_MODES } from '../data/windows';
import { FORECAST_MODELS } from '../models';
import { FORECAST_SCHEDULES } from '../train/recipes';

const data: Record<string, FlagSpec> = {
  csv: { type: 'string', required: true, help: 'CSV file (header and date column detected; or see --date-column)' },
  mode: { type: 'string', choices: FORECAST_MODES, help: 'M all→all, S target→target, MS all→target (default M; from the checkpoint for evaluate/forecast)' },
  targets: { type: 'list', help: 'target columns for S / MS (default OT, else the last column)' },
  split: { type: 'string', choices: ['auto', ...SPLIT_PROTOCOLS], default: 'auto', help: 'auto: ETTh*/ETTm* → Informer borders, else 70/10/20 by time' },
  missing: { type: 'string', choices: MISSING_POLICIES, default: 'error', help: 'missing values: report (row, column), carry forward, zero, or drop the row' },
  'date-column': { type: 'string', help: "date column name ('none' for none; default detected)" },
  columns: { type: 'list', help: 'numeric columns to use (default all)' },
};

export const TS_CLI: CliSpec = {
  name: 'statespace-ts',
  commands: {
    train: {
      help: 'train a forecaster (early stopping on validation MSE, best checkpoint, --resume), then test it',
      flags: {
        ...data,
        model: { type: 'string', choices: FORECAST_MODELS, required: true, help: 'architecture' },
        lookback: { type: 'integer', min: 1, default: 96, help: 'history length L' },
        horizon: { type: 'integer', min: 1, default: 96, help: 'forecast length H' },
        preset: { type: 'string', help: "model size preset (default 'paper')" },
        'weight-decay': { type: 'number', min: 0, help: 'AdamW weight decay (default: the recipe)' },
        schedule: { type: 'string', choices: FORECAST_SCHEDULES, help: "learning rate: cosine to 0, constant, or halving (the S-Mamba script's: halved after each epoch; default: the recipe)" },
        'max-batches': { type: 'integer', min: 1, help: 'at most N batches per epoch (quick runs)' },
      },
    },
    evaluate: {
      help: 'test a checkpoint on the CSV (MSE/MAE on scaled values, RMSE, MAPE)',
      flags: { ...data, checkpoint: { type: 'string', required: true, help: 'checkpoint dir (train --out, its checkpoints/, or best/)' }, split: { ...data.split, default: undefined }, plot: { type: 'string', help: 'also write test forecasts as PNG' } },
    },
    forecast: {
      help: 'forecast the horizon after the last row of the CSV; plot history + forecast',
      flags: {
        ...data,
        checkpoint: { type: 'string', required: true, help: 'checkpoint dir' },
        split: { ...data.split, default: undefined },
        plot: { type: 'string', help: 'PNG of history and forecast' },
        output: { type: 'string', help: 'CSV of the forecast (original units)' },
      },
    },
    bench: {
      help: 'ETT benchmark against the closed-form linear peer; writes docs table rows as JSON lines',
      flags: {
        data: { type: 'string', help: 'folder with ETTh1.csv / ETTm1.csv (default $STATESPACE_DATA/ett)' },
        models: { type: 'list', default: ['s-mamba', 'spacetime'], help: 'models to run' },
        horizons: { type: 'list', help: 'ETTh1 horizons (default 96,192,336,720; --quick: 96)' },
        quick: { type: 'boolean', default: false, help: 'a 1–2 minute version (few batches, ETTh1-96 only)' },
        etth1: { type: 'boolean', default: true, help: 'ETTh1 at --horizons (--etth1=false: skip)' },
        ettm1: { type: 'boolean', default: true, help: 'also ETTm1 at horizon 96' },
        'ar-only': { type: 'boolean', default: false, help: 'only the AR(p) experiment' },
        ar: { type: 'boolean', default: true, help: 'include the AR(p) experiment' },
        doc: { type: 'string', help: 'write the results table to this markdown file' },
        'max-batches': { type: 'integer', min: 1, help: "at most N batches per epoch (default: each model's recipe)" },
      },
    },
  },
};
