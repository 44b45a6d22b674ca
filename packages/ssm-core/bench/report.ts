import { shapeLabel } from './cases/inputs';
import { BenchResult } from './types';

const COLUMNS: [string, number][] = [
  ['op', 13], ['impl', 9], ['backend', 7], ['shape', 24], ['fwd ms', 10], ['fwd+bwd ms', 11],
  ['peak MB', 9], ['peak MB f+b', 11],
];

function row(cells: string[]): string {
  return cells.map((c, i) => (i < 4 ? c.padEnd(COLUMNS[i][1]) : c.padStart(COLUMNS[i][1]))).join(' ');
}

export function tableHeader(): string {
  const head = row(COLUMNS.map(([name]) => name));
  return `${head}\n${'-'.repeat(head.length)}`;
}

function ms(x: number | undefined): string {
  if (x === undefined) return '';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function mb(x: number | undefined): string {
  return x === undefined ? '' : (x / 2 ** 20).toFixed(1);
}

export function tableRow(r: BenchResult): string {
  const lead = [r.op, r.impl, r.backend, shapeLabel(r.shape)];
  if (r.skipped) return `${row(lead)} skipped (${r.skipped})`;
  const leak = r.leaked_tensors ? `  LEAKED ${r.leaked_tensors} tensors` : '';
  return row([...lead, ms(r.fwd_ms), ms(r.fwd_bwd_ms), mb(r.peak_bytes), mb(r.peak_bytes_fwd_bwd)]) + leak;
}

export function jsonLine(r: BenchResult): string {
  return JSON.stringify(r);
}

/** Fused-over-reference speedups for each case and backend where both were measured. */
export function speedups(results: BenchResult[]): string[] {
  const lines: string[] = [];
  for (const f of results) {
    if (f.impl !== 'fused' || f.skipped) continue;
    const ref = results.find((r) => r.impl === 'reference' && !r.skipped && r.op === f.op
      && shapeLabel(r.shape) === shapeLabel(f.shape) && r.backend === f.backend);
    if (!ref || !ref.fwd_ms || !ref.fwd_bwd_ms || !f.fwd_ms || !f.fwd_bwd_ms) continue;
    const x = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
    lines.push(`${f.op} ${shapeLabel(f.shape)} on ${f.backend}: fused is ${x(ref.fwd_ms, f.fwd_ms)} faster forward, `
      + `${x(ref.fwd_bwd_ms, f.fwd_bwd_ms)} faster fwd+bwd than the reference`);
  }
  return lines;
}
