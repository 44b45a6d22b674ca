import { openCsv, type CsvMeta, type CsvReadOptions } from './csvReader';

/** A multivariate series held in memory, row-major (length × width). */
export interface SeriesData {
  meta: CsvMeta;
  columns: string[];
  dates: string[] | null;
  values: Float32Array;
  length: number;
  width: number;
}

/** Reads the numeric columns of a CSV into memory (streamed; the buffer doubles as rows arrive). */
export async function loadCsvSeries(file: string, o: CsvReadOptions = {}): Promise<SeriesData> {
  const { meta, rows } = await openCsv(file, o);
  const width = meta.columns.length;
  let buf = new Float32Array(width * 1024);
  const dates: string[] | null = meta.dateIndex == null ? null : [];
  let n = 0;
  for await (const r of rows) {
    if ((n + 1) * width > buf.length) {
      const next = new Float32Array(buf.length * 2);
      next.set(buf);
      buf = next;
    }
    buf.set(r.values, n * width);
    if (dates) dates.push(r.date ?? '');
    n++;
  }
  if (n === 0) throw new Error(`CSV file '${file}' has no data rows`);
  return { meta, columns: meta.columns, dates, values: buf.slice(0, n * width), length: n, width };
}
