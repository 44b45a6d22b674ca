import * as fs from 'fs';

/** A loader error that names the file, the 1-based line, what was expected and what was received. */
export class GraphDataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line != null ? `:${line}` : ''}: ${message}`);
    this.name = 'GraphDataError';
  }
}

export function readText(file: string): string {
  if (!fs.existsSync(file)) throw new GraphDataError(file, undefined, 'file not found');
  return fs.readFileSync(file, 'utf8');
}

/** Non-empty lines with their 1-based line numbers (trailing \r stripped). */
export function lines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i].replace(/\r$/, '');
    if (t.trim() !== '') out.push({ text: t, line: i + 1 });
  }
  return out;
}

/** Parses a number field strictly (no partial parses like parseFloat('3abc')). */
export function parseNumber(file: string, line: number, field: string, what: string): number {
  const s = field.trim();
  const v = s === '' ? NaN : Number(s);
  if (!Number.isFinite(v)) throw new GraphDataError(file, line, `expected ${what}, received '${field}'`);
  return v;
}

export function parseInt32(file: string, line: number, field: string, what: string): number {
  const v = parseNumber(file, line, field, what);
  if (!Number.isInteger(v)) throw new GraphDataError(file, line, `expected ${what} (an integer), received '${field}'`);
  return v;
}
