import * as path from 'path';
import { printJsonResult, resolveDataDir, type ParsedCli } from '@statespace/ssm-core';
import { trainRun, type TrainRunOptions } from '../cli/commands';
import type { Serialization } from '../serialize/orders';

export interface BenchRun { name: string; model: string; serialization: Serialization }

/** The benchmark runs: PCM-tiny (CTS), PointNet, and the serialization ablation (z-order, random) of PCM-tiny. */
export const BENCH_RUNS: Record<string, BenchRun[]> = {
  'pcm-tiny': [{ name: 'pcm-tiny/cts', model: 'pcm-tiny', serialization: 'cts' }],
  pointnet: [{ name: 'pointnet-small', model: 'pointnet-small', serialization: 'cts' }],
  ablation: [{ name: 'pcm-tiny/zorder', model: 'pcm-tiny', serialization: 'zorder' }, { name: 'pcm-tiny/random', model: 'pcm-tiny', serialization: 'random' }],
};

/**
 * Trains and evaluates each run on ModelNet10 (1024 points; 15% stratified hold-out of the training split for
 * validation, or --test), printing one JSON line per run. --quick: 1 epoch of at most 10 batches from 300 training shapes, 150 validation shapes.
 */
export async function benchCommand(p: ParsedCli): Promise<object> {
  const f = p.flags;
  const data = f.data ?? resolveDataDir('modelnet10');
  const only: string[] = f.only ?? ['pcm-tiny'];
  const runs = only.flatMap((k) => {
    const r = BENCH_RUNS[k];
    if (!r) throw new Error(`bench: --only takes ${Object.keys(BENCH_RUNS).join(', ')}, received '${k}'`);
    return r;
  });
  const results: object[] = [];
  for (const r of runs) {
    const o: TrainRunOptions = {
      train: data, test: f.test, model: r.model, serialization: r.serialization, points: 1024, epochs: f.epochs ?? (f.quick ? 1 : 40),
      batch: f.batch ?? 16, lr: f.lr ?? 2e-3, seed: f.seed ?? 0, out: f.out ? path.join(f.out, r.name.replace('/', '-')) : undefined,
      resume: f.resume, maxMinutes: f.maxMinutes ?? (f.quick ? 1 : 60), patience: f.patience, quiet: f.quiet, valFraction: 0.15,
      maxTrain: f.quick ? 300 : undefined, maxVal: f.quick ? 150 : undefined, votes: 1, maxBatches: f.quick ? 10 : undefined,
      autoEpochs: !f.quick && f.autoEpochs !== false,
    };
    const t0 = Date.now();
    const { result, evaluatedOn } = await trainRun(o);
    const line = { bench: 'modelnet10', run: r.name, ...result, evaluated_on: evaluatedOn, wall_seconds: (Date.now() - t0) / 1000, quick: !!f.quick };
    printJsonResult(line);
    results.push(line);
  }
  return { bench: 'modelnet10', runs: results.length };
}
