import { BenchCase } from '../types';
import { causalConv1dCases } from './causalConv1d';
import { fftConvCases, fftConvFormCases } from './fftConv';
import { fftConvGpuCases } from './fftConvGpu';
import { selectiveScanCases } from './selectiveScan';
import { smokeCases } from './smoke';
import { ssdScanCases, ssdScanViaSelectiveCases } from './ssdScan';

/** Every case run by default, in report order. */
export const ALL_CASES: BenchCase[] = [
  ...selectiveScanCases,
  ...ssdScanCases,
  ...fftConvCases,
  ...fftConvGpuCases,
  ...causalConv1dCases,
];

/** Cases only run when named with --op. */
export const EXTRA_CASES: BenchCase[] = [...smokeCases, ...fftConvFormCases, ...ssdScanViaSelectiveCases];
