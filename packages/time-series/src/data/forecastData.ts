import { type CsvReadOptions } from './csvReader';
import { loadCsvSeries, type SeriesData } from './series';
import { detectProtocol, splitBorders, StandardScaler, type SplitBorders, type SplitProtocol } from './splits';
import { FORECAST_MODES, WindowSet, type ForecastMode } from './windows';

export interface ForecastDataOptions extends CsvReadOptions {
  lookback: number;
  horizon: number;
  mode?: ForecastMode; // default 'M'
  /** Target columns for S / MS (default 'OT' when present, else the last column). */
  targets?: string[];
  /** Split protocol; default from the file name (ETTh1.csv, ETTm1.csv, … → Informer borders, else 70/10/20). */
  split?: SplitProtocol;
}

export interface ForecastData {
  series: SeriesData;
  protocol: SplitProtocol;
  borders: SplitBorders;
  scaler: StandardScaler;
  mode: ForecastMode;
  inputColumns: string[];
  targetColumns: string[];
  /** Scaled series (all read columns), row-major. */
  scaled: Float32Array;
  train: WindowSet;
  val: WindowSet;
  test: WindowSet;
}

function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${name}: expected an integer >= ${min}, received ${String(v)}`);
  return v;
}

/** Column indices (into the series' columns) of the inputs and targets for a mode. */
export function resolveColumns(columns: string[], mode: ForecastMode, targets?: string[]): { inputCols: number[]; targetCols: number[] } {
  if (!FORECAST_MODES.includes(mode)) throw new Error(`mode: expected one of ${FORECAST_MODES.join(', ')}, received '${String(mode)}'`);
  const all = columns.map((_, i) => i);
  if (mode === 'M') return { inputCols: all, targetCols: all };
  const names = targets && targets.length > 0 ? targets : [columns.includes('OT') ? 'OT' : columns[columns.length - 1]];
  const targetCols = names.map((t) => {
    const i = columns.indexOf(t);
    if (i < 0) throw new Error(`targets: unknown target column '${t}'; available: ${columns.join(', ')}`);
    return i;
  });
  return { inputCols: mode === 'S' ? targetCols : all, targetCols };
}

/** Builds the scaled series and the train / val / test window sets from already loaded data. */
export function forecastDataFromSeries(series: SeriesData, o: ForecastDataOptions, file = series.meta.file): ForecastData {
  const lookback = checkInt('lookback', o.lookback, 1);
  const horizon = checkInt('horizon', o.horizon, 1);
  const mode = o.mode ?? 'M';
  const { inputCols, targetCols } = resolveColumns(series.columns, mode, o.targets);
  const protocol = o.split ?? detectProtocol(file);
  const borders = splitBorders(protocol, series.length, lookback);
  // The scaler sees the train rows only (no look-ahead into validation or test statistics).
  const scaler = StandardScaler.fit(series.values, series.width, borders.train[1]);
  const scaled = scaler.transform(series.values, series.width);
  const ws = (name: string, [a, b]: [number, number]) =>
    new WindowSet(`'${file}' ${name}`, scaled, series.width, a, b, lookback, horizon, inputCols, targetCols);
  return {
    series,
    protocol,
    borders,
    scaler,
    mode,
    inputColumns: inputCols.map((i) => series.columns[i]),
    targetColumns: targetCols.map((i) => series.columns[i]),
    scaled,
    train: ws('train', borders.train),
    val: ws('validation', borders.val),
    test: ws('test', borders.test),
  };
}

/** Loads a CSV and prepares forecasting windows under the Informer protocol (ETT) or 70/10/20 (others). */
export async function loadForecastData(file: string, o: ForecastDataOptions): Promise<ForecastData> {
  return forecastDataFromSeries(await loadCsvSeries(file, o), o, file);
}
