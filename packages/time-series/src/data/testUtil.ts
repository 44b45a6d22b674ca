import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Test helpers: the shared data folder, and small CSVs written to a fresh temp dir. */
export const DATA_DIR = process.env.STATESPACE_DATA ?? path.resolve(__dirname, '../../../../../shared/datasets');
export const hasData = (...p: string[]): boolean => fs.existsSync(path.join(DATA_DIR, ...p));

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ts-test-'));
}

export function writeCsv(dir: string, name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

/** A CSV with a date column and `cols` columns; cell (t, j) = f(t, j). */
export function syntheticCsv(dir: string, name: string, rows: number, cols: number, f: (t: number, j: number) => number): string {
  const lines = ['date,' + Array.from({ length: cols }, (_, j) => (j === cols - 1 ? 'OT' : `c${j}`)).join(',')];
  const t0 = Date.UTC(2016, 6, 1);
  for (let t = 0; t < rows; t++) {
    const d = new Date(t0 + t * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(d + ',' + Array.from({ length: cols }, (_, j) => f(t, j)).join(','));
  }
  return writeCsv(dir, name, lines.join('\n') + '\n');
}
