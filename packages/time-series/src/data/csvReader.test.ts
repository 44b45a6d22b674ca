import * as fs from 'fs';
import * as path from 'path';
import { openCsv } from './csvReader';
import { loadCsvSeries } from './series';
import { DATA_DIR, hasData, tempDir, writeCsv } from './testUtil';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function readAll(file: string, o = {}) {
  const { meta, rows } = await openCsv(file, o);
  const out = [];
  for await (const r of rows) out.push(r);
  return { meta, out };
}

describe('openCsv', () => {
  it('detects a header and a date column, and reads numbers', async () => {
    const f = writeCsv(dir, 'a.csv', 'date,a,b\n2020-01-01 00:00,1,2.5\n2020-01-01 01:00,3,-4e-1\n');
    const { meta, out } = await readAll(f);
    expect(meta.hasHeader).toBe(true);
    expect(meta.dateIndex).toBe(0);
    expect(meta.columns).toEqual(['a', 'b']);
    expect(out.map((r) => Array.from(r.values))).toEqual([[1, 2.5], [3, -0.4]]);
    expect(out[1].date).toBe('2020-01-01 01:00');
    expect(out[1].line).toBe(3);
  });

  it('reads a headerless file with numeric names, and a header of numbers plus OT', async () => {
    const f = writeCsv(dir, 'b.csv', '0.5,1\n0.25,2\n');
    const { meta, out } = await readAll(f);
    expect(meta.hasHeader).toBe(false);
    expect(meta.columns).toEqual(['0', '1']);
    expect(out.length).toBe(2);
    const g = writeCsv(dir, 'c.csv', 'date,0,1,OT\n2020-01-01,1,2,3\n2020-01-02,4,5,6\n');
    const m = await readAll(g);
    expect(m.meta.hasHeader).toBe(true);
    expect(m.meta.columns).toEqual(['0', '1', 'OT']);
  });

  it('names the row, line and column of a non-numeric cell', async () => {
    const f = writeCsv(dir, 'bad.csv', 'date,a,b\n2020-01-01,1,2\n2020-01-02,3,x7\n');
    await expect(readAll(f)).rejects.toThrow(/bad\.csv' row 2 \(line 3\), column 'b': expected a number, received 'x7'/);
  });

  it('reports missing values with row and column, or fills them by policy', async () => {
    const f = writeCsv(dir, 'miss.csv', 'date,a,b\n2020-01-01,1,2\n2020-01-02,,3\n2020-01-03,5,NaN\n');
    await expect(readAll(f)).rejects.toThrow(/row 2 \(line 3\), column 'a': missing value/);
    expect((await readAll(f, { missing: 'ffill' })).out.map((r) => Array.from(r.values))).toEqual([[1, 2], [1, 3], [5, 3]]);
    expect((await readAll(f, { missing: 'zero' })).out.map((r) => Array.from(r.values))).toEqual([[1, 2], [0, 3], [5, 0]]);
    const dropped = (await readAll(f, { missing: 'drop' })).out;
    expect(dropped.map((r) => r.row)).toEqual([0]);
    const first = writeCsv(dir, 'miss0.csv', 'a\n1\n\n');
    expect((await readAll(first)).out.length).toBe(1); // a blank line is not a row
    const lead = writeCsv(dir, 'lead.csv', 'a,b\nNA,1\n2,3\n');
    await expect(readAll(lead, { missing: 'ffill' })).rejects.toThrow(/row 1 \(line 2\), column 'a': missing value and no earlier value/);
    await expect(readAll(f, { missing: 'guess' as never })).rejects.toThrow(/missing: expected one of error, ffill, zero, drop, received 'guess'/);
  });

  it('rejects unknown columns, ragged rows, empty and absent files', async () => {
    const f = writeCsv(dir, 'u.csv', 'date,a,b\n2020-01-01,1,2\n2020-01-02,1\n');
    await expect(openCsv(f, { columns: ['a', 'zz'] })).rejects.toThrow(/unknown column 'zz' in '.*u\.csv'; available: date, a, b/);
    await expect(openCsv(f, { dateColumn: 'when' })).rejects.toThrow(/dateColumn: unknown column 'when'/);
    await expect(readAll(f)).rejects.toThrow(/row 2 \(line 3\): expected 3 fields, received 2/);
    await expect(openCsv(writeCsv(dir, 'e.csv', ''))).rejects.toThrow(/is empty/);
    await expect(openCsv(path.join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv' does not exist/);
  });

  it('selects columns by name and keeps their order', async () => {
    const f = writeCsv(dir, 's.csv', 'date,a,b,c\n2020-01-01,1,2,3\n');
    const { meta, out } = await readAll(f, { columns: ['c', 'a'] });
    expect(meta.columns).toEqual(['c', 'a']);
    expect(Array.from(out[0].values)).toEqual([3, 1]);
  });
});

const real = hasData('ett', 'ETTh1.csv') && hasData('weather', 'weather.csv') && hasData('exchange_rate', 'exchange_rate.txt');
(real ? describe : describe.skip)('real files', () => {
  if (!real) console.log(`skipping real-file tests: ${DATA_DIR} lacks ett/weather/exchange_rate`);
  it('ETTh1: 17420 rows of 7 columns; values equal a naive parse', async () => {
    const file = path.join(DATA_DIR, 'ett', 'ETTh1.csv');
    const s = await loadCsvSeries(file);
    expect(s.columns).toEqual(['HUFL', 'HULL', 'MUFL', 'MULL', 'LUFL', 'LULL', 'OT']);
    expect(s.length).toBe(17420);
    expect(s.dates![0]).toBe('2016-07-01 00:00:00');
    const naive = fs.readFileSync(file, 'utf8').trim().split('\n')[17420].split(',').slice(1).map(Number);
    expect(Array.from(s.values.slice(17419 * 7))).toEqual(Array.from(Float32Array.from(naive)));
  });
  it('weather (CRLF, odd header bytes) and exchange_rate (no header)', async () => {
    const w = await loadCsvSeries(path.join(DATA_DIR, 'weather', 'weather.csv'));
    expect(w.width).toBe(21);
    expect(w.length).toBe(52696);
    expect(w.columns[20]).toBe('OT');
    const x = await loadCsvSeries(path.join(DATA_DIR, 'exchange_rate', 'exchange_rate.txt'));
    expect([x.length, x.width, x.meta.hasHeader, x.dates]).toEqual([7588, 8, false, null]);
    expect(x.values[0]).toBeCloseTo(0.7855, 6);
  });
});
