/** What a forecasting model maps: (batch, lookback, nInputs) → (batch, horizon, targets). */
export interface ForecastShape {
  lookback: number;
  horizon: number;
  nInputs: number;
  /** Input variates that are forecast (MS / S subsets); null: all inputs (mode M, or S with one variate). */
  targetChannels: number[] | null;
}
