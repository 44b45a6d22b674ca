import * as os from 'os';
import type { ArResult } from './arExperiment';
import type { BenchRow } from './runBench';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

/** Markdown of the benchmark: MSE/MAE per dataset and horizon beside the linear peer, then the AR(p) table. */
export function benchTable(rows: BenchRow[], ar: ArResult[]): string {
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), shared / under load.`,
    '',
    '| dataset | horizon | model | params | MSE | MAE | epochs | train s | stop | test windows | load (start → end) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.dataset} | ${r.horizon} | ${r.model} | ${r.params ?? '—'} | ${f3(r.mse)} | ${f3(r.mae)} | ${r.epochs} | ${r.train_seconds.toFixed(0)} | ${r.stop_reason ?? ''} | ${r.test_windows ?? 'all'} | ${r.load ? `${r.load[0]} → ${r.load[1]}` : ''} |`),
  ];
  if (ar.length > 0) {
    lines.push('', '| AR(p) | model | params | test MSE / true-predictor MSE |', '|---|---|---|---|');
    for (const r of ar) lines.push(`| ${r.p} | ${r.model} | ${r.params} | ${r.relative_mse.toFixed(3)} |`);
  }
  return lines.join('\n') + '\n';
}
