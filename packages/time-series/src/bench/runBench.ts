import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveDataDir, type ParsedCli } from '@statespace/ssm-core';
import { loadForecastData } from '../data/forecastData';
import { writeDemoCsv } from '../data/synthetic';
import { LinearPeer } from '../eval/linearPeer';
import type { ForecastModelKind } from '../models';
import { trainForecaster } from '../train/trainForecaster';
import { runArExperiment, type ArResult } from './arExperiment';
import { benchTable } from './table';

export interface BenchRow {
  dataset: string;
  model: string;
  lookback: number;
  horizon: number;
  mse: number;
  mae: number;
  epochs: number;
  train_seconds: number;
  params?: number;
  stop_reason?: string;
  /** Test windows evaluated (all of them, except --quick which takes every 16th). */
  test_windows?: number;
  /** 1-minute load average (os.loadavg) when the run started and ended: the machine is shared. */
  load?: [number, number];
}

export interface BenchOptions {
  data?: string;
  models?: ForecastModelKind[];
  horizons?: number[];
  quick?: boolean;
  ettm1?: boolean;
  etth1?: boolean;
  ar?: boolean;
  arOnly?: boolean;
  maxMinutes?: number;
  epochs?: number;
  maxBatches?: number;
  lr?: number;
  seed?: number;
  out?: string;
  doc?: string;
  quiet?: boolean;
  emit?: (row: object) => void;
  log?: (s: string) => void;
}

/**
 * The ETT benchmark (issue item 6): for each dataset and horizon, the closed-form linear peer and each model on
 * the same split, plus the AR(p) experiment. One JSON line per result; optionally a markdown table.
 */
export async function runBench(o: BenchOptions = {}): Promise<{ rows: BenchRow[]; ar: ArResult[] }> {
  const emit = o.emit ?? ((r: object) => process.stdout.write(`${JSON.stringify(r)}\n`));
  const log = o.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const dataDir = o.data ?? resolveDataDir('ett');
  const models = o.models ?? ['s-mamba', 'spacetime'];
  const horizons = o.horizons ?? (o.quick ? [96] : [96, 192, 336, 720]);
  const out = o.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'statespace-ts-bench-'));
  fs.mkdirSync(out, { recursive: true });
  const runs: [string, number][] = o.etth1 === false ? [] : horizons.map((h) => ['ETTh1.csv', h]);
  if (!o.quick && o.ettm1 !== false) runs.push(['ETTm1.csv', 96]);
  const rows: BenchRow[] = [];
  if (!o.arOnly) {
    for (const [file, horizon] of runs) {
      let csv = path.join(dataDir, file);
      if (!fs.existsSync(csv)) {
        if (!o.quick) throw new Error(`bench: '${csv}' not found (pass --data DIR with ETTh1.csv / ETTm1.csv, or set STATESPACE_DATA)`);
        // --quick without the data (the demo on a fresh machine): a series the package generates itself.
        csv = path.join(out, 'demo.csv');
        writeDemoCsv(csv, 3000);
        log(`bench --quick: ${path.join(dataDir, file)} not found; using a generated series (${csv})`);
      }
      const dataset = path.basename(csv).replace(/\.csv$/, '');
      const t0 = Date.now();
      const d = await loadForecastData(csv, { lookback: 96, horizon });
      const peer = LinearPeer.fit(d.train, 0.1).evaluate(d.test);
      const peerRow: BenchRow = { dataset, model: 'linear (closed form)', lookback: 96, horizon, mse: peer.mse, mae: peer.mae, epochs: 0, train_seconds: (Date.now() - t0) / 1000 };
      rows.push(peerRow);
      emit(peerRow);
      for (const model of models) {
        const load0 = os.loadavg()[0];
        const r = await trainForecaster({
          csv, model, horizon, lookback: 96, out: path.join(out, `${dataset}-${model}-${horizon}`), seed: o.seed ?? 0,
          // --quick: a few batches of one epoch, for the demo. Full runs: the recipe (or the flags).
          epochs: o.epochs ?? (o.quick ? 1 : undefined), maxBatches: o.quick ? 8 : o.maxBatches, lr: o.lr,
          maxMinutes: o.maxMinutes ?? (o.quick ? 0.5 : 20), quiet: o.quiet ?? true, log, evalStride: o.quick ? 16 : 1,
        });
        const row: BenchRow = { dataset, model, lookback: 96, horizon, mse: r.mse, mae: r.mae, epochs: r.epochs, train_seconds: r.train_seconds, params: r.params, stop_reason: r.stop_reason, test_windows: r.test_windows, load: [+load0.toFixed(2), +os.loadavg()[0].toFixed(2)] };
        rows.push(row);
        emit(row);
      }
    }
  }
  let ar: ArResult[] = [];
  if (o.ar !== false || o.arOnly) {
    ar = await runArExperiment(o.quick ? { orders: [4], processes: 1, epochs: 2, batches: 10, log } : { log });
    for (const r of ar) emit({ experiment: 'ar', ...r });
  }
  if (o.doc) {
    fs.writeFileSync(o.doc, benchTable(rows, ar));
    log(`wrote ${o.doc}`);
  }
  return { rows, ar };
}

export async function runBenchCommand(p: ParsedCli): Promise<object> {
  const f = p.flags;
  // `npm run bench -w …` runs in the package folder; paths the user typed are relative to where npm was started.
  const base = process.env.INIT_CWD ?? process.cwd();
  const abs = (x: string | undefined) => (x === undefined ? undefined : path.resolve(base, x));
  const { rows, ar } = await runBench({
    data: abs(f.data), models: f.models, horizons: f.horizons?.map(Number), quick: f.quick, ettm1: f.ettm1, etth1: f.etth1, ar: f.ar, arOnly: f.arOnly,
    maxMinutes: f.maxMinutes, epochs: f.epochs, maxBatches: f.maxBatches, lr: f.lr, seed: f.seed, out: abs(f.out), doc: abs(f.doc), quiet: f.quiet,
  });
  return { results: rows.length, ar: ar.length, rows };
}
