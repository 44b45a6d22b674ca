import * as fs from 'fs';
import Papa from 'papaparse';

/** What to do with an empty / NaN / NA cell: report it (default), carry the last value forward, use 0, or drop the row. */
export type MissingPolicy = 'error' | 'ffill' | 'zero' | 'drop';
export const MISSING_POLICIES: readonly MissingPolicy[] = ['error', 'ffill', 'zero', 'drop'];

export interface CsvReadOptions {
  /** Whether the first row is a header; 'auto' (default) decides from the first two rows. */
  header?: boolean | 'auto';
  /** The date column by name or index, null for none, or 'auto' (default: a column named date/time/timestamp, or a first column of dates). */
  dateColumn?: string | number | null | 'auto';
  /** Numeric columns to read, by name (default: every column except the date). */
  columns?: string[];
  missing?: MissingPolicy;
  /** Text encoding of the file (default utf8; 'latin1' for old exports). */
  encoding?: BufferEncoding;
}

export interface CsvMeta {
  file: string;
  hasHeader: boolean;
  /** Names of all columns in the file ('0', '1', … without a header). */
  allColumns: string[];
  dateIndex: number | null;
  /** The numeric columns read, in order, and their indices in the file. */
  columns: string[];
  columnIndices: number[];
}

export interface CsvRow {
  /** 0-based index of the data row in the file (header excluded; dropped rows still count). */
  row: number;
  /** 1-based line number in the file. */
  line: number;
  date: string | null;
  values: Float64Array;
}

const MISSING_TOKENS = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '?']);
const DATE_NAMES = new Set(['date', 'time', 'timestamp', 'datetime']);

const isNumeric = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s));
const isDateLike = (s: string): boolean => !isNumeric(s) && /\d/.test(s) && !Number.isNaN(Date.parse(s.trim()));

/** Raw rows (string cells) with their line numbers, streamed through papaparse with backpressure. */
async function* rawRows(file: string, encoding: BufferEncoding): AsyncGenerator<{ cells: string[]; line: number }> {
  if (!fs.existsSync(file)) throw new Error(`CSV file '${file}' does not exist`);
  if (!fs.statSync(file).isFile()) throw new Error(`CSV path '${file}' is not a file`);
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: false, dynamicTyping: false, skipEmptyLines: false });
  const input = fs.createReadStream(file, { encoding });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  let line = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      line++;
      if (cells.length === 1 && cells[0].trim() === '') continue; // blank line (e.g. the trailing newline)
      yield { cells, line };
    }
  } finally {
    input.destroy(); // a consumer that stops early must not leave the file open
  }
}

function resolveMeta(file: string, first: string[], second: string[] | undefined, o: CsvReadOptions): CsvMeta {
  // A header row has a non-numeric cell where the next row has a number (handles numeric names such as "0,1,…,OT").
  const hasHeader =
    o.header === 'auto' || o.header == null
      ? second != null
        ? first.some((c, i) => !isNumeric(c) && isNumeric(second[i] ?? ''))
        : first.every((c) => !isNumeric(c))
      : o.header;
  const allColumns = hasHeader ? first.map((c) => c.trim()) : first.map((_, i) => String(i));
  const sample = hasHeader ? second : first;
  let dateIndex: number | null = null;
  const dc = o.dateColumn ?? 'auto';
  if (dc === 'auto') {
    const named = allColumns.findIndex((c) => DATE_NAMES.has(c.toLowerCase()));
    if (named >= 0) dateIndex = named;
    else if (sample && isDateLike(sample[0] ?? '')) dateIndex = 0;
  } else if (typeof dc === 'number') {
    if (!Number.isInteger(dc) || dc < 0 || dc >= allColumns.length)
      throw new Error(`dateColumn: expected a column index in [0, ${allColumns.length}) of '${file}', received ${dc}`);
    dateIndex = dc;
  } else if (typeof dc === 'string') {
    dateIndex = allColumns.indexOf(dc);
    if (dateIndex < 0) throw new Error(`dateColumn: unknown column '${dc}' in '${file}'; available: ${allColumns.join(', ')}`);
  }
  let columnIndices: number[];
  if (o.columns && o.columns.length > 0) {
    columnIndices = o.columns.map((name) => {
      const i = allColumns.indexOf(name);
      if (i < 0) throw new Error(`columns: unknown column '${name}' in '${file}'; available: ${allColumns.join(', ')}`);
      if (i === dateIndex) throw new Error(`columns: '${name}' is the date column of '${file}', not a numeric one`);
      return i;
    });
  } else {
    columnIndices = allColumns.map((_, i) => i).filter((i) => i !== dateIndex);
  }
  if (columnIndices.length === 0) throw new Error(`'${file}' has no numeric columns (columns: ${allColumns.join(', ')})`);
  return { file, hasHeader, allColumns, dateIndex, columns: columnIndices.map((i) => allColumns[i]), columnIndices };
}

/**
 * Opens a CSV and streams its data rows: memory stays bounded by papaparse's chunk, so files larger than memory can be
 * read. Errors name the file, the data row (1-based), the line and the column.
 */
export async function openCsv(file: string, o: CsvReadOptions = {}): Promise<{ meta: CsvMeta; rows: AsyncGenerator<CsvRow> }> {
  const missing = o.missing ?? 'error';
  if (!MISSING_POLICIES.includes(missing)) throw new Error(`missing: expected one of ${MISSING_POLICIES.join(', ')}, received '${String(missing)}'`);
  const raw = rawRows(file, o.encoding ?? 'utf8');
  const head: { cells: string[]; line: number }[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await raw.next();
    if (r.done) break;
    head.push(r.value);
  }
  if (head.length === 0) throw new Error(`CSV file '${file}' is empty`);
  const meta = resolveMeta(file, head[0].cells, head[1]?.cells, o);
  const width = meta.allColumns.length;
  async function* rows(): AsyncGenerator<CsvRow> {
    const last = new Float64Array(meta.columnIndices.length).fill(NaN);
    let row = 0;
    const source = async function* () {
      yield* meta.hasHeader ? head.slice(1) : head;
      yield* raw;
    };
    for await (const { cells, line } of source()) {
      const where = `'${file}' row ${row + 1} (line ${line})`;
      if (cells.length !== width) throw new Error(`${where}: expected ${width} fields, received ${cells.length}`);
      const values = new Float64Array(meta.columnIndices.length);
      let drop = false;
      for (let j = 0; j < values.length; j++) {
        const cell = cells[meta.columnIndices[j]];
        const t = cell.trim();
        if (MISSING_TOKENS.has(t.toLowerCase())) {
          if (missing === 'error')
            throw new Error(`${where}, column '${meta.columns[j]}': missing value '${t}' (choose a missing-value policy: ${MISSING_POLICIES.join(', ')})`);
          if (missing === 'drop') drop = true;
          else if (missing === 'zero') values[j] = 0;
          else if (Number.isNaN(last[j]))
            throw new Error(`${where}, column '${meta.columns[j]}': missing value and no earlier value to carry forward`);
          else values[j] = last[j];
          continue;
        }
        const v = Number(t);
        if (!Number.isFinite(v)) throw new Error(`${where}, column '${meta.columns[j]}': expected a number, received '${cell}'`);
        values[j] = v;
      }
      row++;
      if (drop) continue;
      last.set(values);
      yield { row: row - 1, line, date: meta.dateIndex == null ? null : cells[meta.dateIndex], values };
    }
  }
  return { meta, rows: rows() };
}
