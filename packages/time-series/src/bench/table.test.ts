import type { ArResult } from './arExperiment';
import { benchTable } from './table';

const r = (p: number, process: number, model: ArResult['model'], rel: number): ArResult =>
  ({ p, process, model, params: model === 'spacetime' ? 68 : 1392, state_size: 16, relative_mse: rel, mse: rel, oracle_mse: 1, train_seconds: 1 });

it('summarizes the AR(p) experiment per order and model: scores per process, mean, and wins', () => {
  const md = benchTable([], [r(4, 0, 'spacetime', 1.1), r(4, 0, 's4d', 1.3), r(4, 1, 'spacetime', 1.5), r(4, 1, 's4d', 1.2), r(4, 2, 'spacetime', 1.0), r(4, 2, 's4d', 2.0)]);
  expect(md).toContain('| 4 | spacetime | 68 | 16 | 1.100, 1.500, 1.000 | 1.200 | 2 / 3 |');
  expect(md).toContain('| 4 | s4d | 1392 | 16 | 1.300, 1.200, 2.000 | 1.500 | 1 / 3 |');
});
