import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { CliError, loadCheckpoint, writePng, lineChartSvg, type ParsedCli } from '@statespace/ssm-core';
import type { CsvReadOptions } from '../data/csvReader';
import { loadForecastData } from '../data/forecastData';
import { StandardScaler, type SplitProtocol } from '../data/splits';
import { evaluateWindows } from '../eval/metrics';
import { writeForecastPng } from '../eval/plots';
import type { ForecastModelKind } from '../models';
import { trainForecaster, type ForecastCheckpointInfo } from '../train/trainForecaster';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Flags = Record<string, any>;

function csvOptions(f: Flags): CsvReadOptions & { split?: SplitProtocol } {
  const o: CsvReadOptions & { split?: SplitProtocol } = { missing: f.missing };
  if (f.dateColumn !== undefined) o.dateColumn = f.dateColumn === 'none' ? null : f.dateColumn;
  if (f.columns) o.columns = f.columns;
  if (f.split && f.split !== 'auto') o.split = f.split;
  return o;
}

export async function trainCommand(p: ParsedCli): Promise<object> {
  const f = p.flags as Flags;
  const out = f.out ?? path.join('runs', `${path.basename(f.csv).replace(/\.\w+$/, '')}-${f.model}-${f.horizon}`);
  const r = await trainForecaster({
    ...csvOptions(f), csv: f.csv, model: f.model as ForecastModelKind, lookback: f.lookback, horizon: f.horizon, mode: f.mode, targets: f.targets,
    preset: f.preset, epochs: f.epochs, lr: f.lr, batch: f.batch, patience: f.patience, weightDecay: f.weightDecay, schedule: f.schedule, seed: f.seed, out,
    resume: f.resume, maxMinutes: f.maxMinutes, maxBatches: f.maxBatches, quiet: f.quiet,
  });
  process.stderr.write(`test: mse ${r.mse.toFixed(4)} mae ${r.mae.toFixed(4)} rmse ${r.rmse.toFixed(4)} mape ${(100 * r.mape).toFixed(2)}% | ${r.epochs} epochs, ${r.train_seconds.toFixed(0)} s | ${out}\n`);
  return { dataset: r.dataset, model: r.model, lookback: r.lookback, horizon: r.horizon, mse: r.mse, mae: r.mae, epochs: r.epochs, train_seconds: r.train_seconds, rmse: r.rmse, mape: r.mape, out };
}

/** train --out DIR, DIR/checkpoints, DIR/checkpoints/best or a saved model dir. */
async function openCheckpoint(dir: string) {
  const cand = [path.join(dir, 'checkpoints', 'best'), path.join(dir, 'best'), dir].find((d) => fs.existsSync(path.join(d, 'state.json')));
  if (!cand) throw new CliError(`--checkpoint: no checkpoint in '${dir}' (expected state.json in it, in best/ or in checkpoints/best/)`);
  const { model, state } = await loadCheckpoint(cand);
  const extra = state.extraState as { info?: ForecastCheckpointInfo; scaler?: { mean: number[]; std: number[] } } | undefined;
  if (!extra?.info || !extra.scaler) {
    model.dispose();
    throw new CliError(`--checkpoint: '${cand}' was not written by statespace-ts train (no data config in state.json)`);
  }
  return { model, info: extra.info, scaler: StandardScaler.fromJSON(extra.scaler), dir: cand };
}

async function dataFor(f: Flags, info: ForecastCheckpointInfo) {
  if (f.mode && f.mode !== info.mode) throw new CliError(`--mode ${f.mode} differs from the checkpoint's mode ${info.mode}`);
  const o = csvOptions(f);
  return loadForecastData(f.csv, { ...o, columns: o.columns ?? info.columns, lookback: info.lookback, horizon: info.horizon, mode: info.mode, targets: info.targets, split: o.split ?? info.split });
}

export async function evaluateCommand(p: ParsedCli): Promise<object> {
  const f = p.flags as Flags;
  const { model, info, dir } = await openCheckpoint(f.checkpoint);
  try {
    const data = await dataFor(f, info);
    const m = evaluateWindows(model, data.test, data.scaler, f.batch ?? 256);
    if (f.plot) await writeForecastPng(f.plot, model, data.test, data.scaler, { columnNames: data.series.columns, title: `${info.model}: test windows` });
    process.stderr.write(`${info.model} on ${path.basename(f.csv)} (test, ${m.windows} windows): mse ${m.mse.toFixed(4)} mae ${m.mae.toFixed(4)} rmse ${m.rmse.toFixed(4)} mape ${(100 * m.mape).toFixed(2)}%\n`);
    return { dataset: path.basename(f.csv).replace(/\.\w+$/, ''), model: info.model, lookback: info.lookback, horizon: info.horizon, mse: m.mse, mae: m.mae, rmse: m.rmse, mape: m.mape, windows: m.windows, checkpoint: dir };
  } finally {
    model.dispose();
  }
}

export async function forecastCommand(p: ParsedCli): Promise<object> {
  const f = p.flags as Flags;
  const { model, info, scaler } = await openCheckpoint(f.checkpoint);
  try {
    const data = await dataFor(f, info);
    const { lookback: L, horizon: H } = info;
    const n = data.series.length;
    if (n < L) throw new Error(`'${f.csv}' has ${n} rows; the forecast needs the last lookback = ${L}`);
    // The newest L rows, scaled with the train scaler stored in the checkpoint (the file may have grown since).
    const ic = data.test.inputCols;
    const tc = data.test.targetCols;
    const W = data.series.width;
    const x = new Float32Array(L * ic.length);
    for (let t = 0; t < L; t++)
      for (let j = 0; j < ic.length; j++) x[t * ic.length + j] = (data.series.values[(n - L + t) * W + ic[j]] - scaler.mean[ic[j]]) / scaler.std[ic[j]];
    const pred = tf.tidy(() => (model.predict(tf.tensor3d(x, [1, L, ic.length])) as tf.Tensor).dataSync().slice());
    const values = scaler.inverse(pred, tc);
    const names = tc.map((c) => data.series.columns[c]);
    const forecast: Record<string, number[]> = Object.fromEntries(names.map((nm, j) => [nm, Array.from({ length: H }, (_, h) => values[h * tc.length + j])]));
    if (f.output) {
      const lines = ['step,' + names.join(','), ...Array.from({ length: H }, (_, h) => `${h + 1},` + names.map((nm) => forecast[nm][h]).join(','))];
      fs.writeFileSync(f.output, lines.join('\n') + '\n');
    }
    if (f.plot) {
      const j = tc.length - 1;
      const col = tc[j];
      const hist = Array.from({ length: L }, (_, t) => data.series.values[(n - L + t) * W + col]);
      const svg = lineChartSvg({
        title: `${info.model}: ${names[j]} forecast after the last row of ${path.basename(f.csv)}`, xLabel: 'step (0 = first forecast)', vline: -0.5, width: 900, height: 360,
        series: [{ name: 'history', x: hist.map((_, t) => t - L), y: hist }, { name: 'forecast', x: Array.from({ length: H }, (_, h) => h), y: forecast[names[j]], dashed: true }],
      });
      await writePng(svg, f.plot);
    }
    process.stderr.write(`forecast of ${H} steps for ${names.join(', ')}${f.plot ? ` → ${f.plot}` : ''}${f.output ? ` and ${f.output}` : ''}\n`);
    return { dataset: path.basename(f.csv).replace(/\.\w+$/, ''), model: info.model, lookback: L, horizon: H, targets: names, plot: f.plot ?? null, output: f.output ?? null, first: Object.fromEntries(names.map((nm) => [nm, forecast[nm][0]])) };
  } finally {
    model.dispose();
  }
}
