import { BenchCase } from '../types';
import { causalConv1dCases } from './causalConv1d';
import { fftConvCases } from './fftConv';
import { selectiveScanCases } from './selectiveScan';
import { smokeCases } from './smoke';
import { ssdScanCases } from './ssdScan';

/** Every case run by default, in report order. */
export const ALL_CASES: BenchCase[] = [
  ...selectiveScanCases,
  ...ssdScanCases,
  ...fftConvCases,
  ...causalConv1dCases,
];

/** Cases only run when named with --op. */
export const EXTRA_CASES: BenchCase[] = [...smokeCases];
