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
    // One row per order and model: the score on each seeded process, their mean, and on how many processes this
    // model was the closest to the true predictor.
    lines.push('', '| AR(p) | model | params | state | test MSE / true-predictor MSE, per process | mean | best on |', '|---|---|---|---|---|---|---|');
    for (const p of [...new Set(ar.map((r) => r.p))]) {
      const atP = ar.filter((r) => r.p === p);
      const processes = [...new Set(atP.map((r) => r.process))];
      const winner = processes.map((k) => atP.filter((r) => r.process === k).reduce((a, b) => (b.relative_mse < a.relative_mse ? b : a)).model);
      for (const m of [...new Set(atP.map((r) => r.model))]) {
        const rs = atP.filter((r) => r.model === m);
        const mean = rs.reduce((s, r) => s + r.relative_mse, 0) / rs.length;
        lines.push(`| ${p} | ${m} | ${rs[0].params} | ${rs[0].state_size} | ${rs.map((r) => r.relative_mse.toFixed(3)).join(', ')} | ${mean.toFixed(3)} | ${winner.filter((w) => w === m).length} / ${processes.length} |`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
