import { initBackend } from '@statespace/ssm-core';
import { runBenchmark } from '../src/eval/benchmark';
import type { GraphModelKind } from '../src/models/config';
import type { BenchRecipe } from '../src/eval/benchmark';

/**
 * `npm run bench -w @statespace/graph [-- --quick --only cora,mutag --models gmn,gcn --seeds 5 --folds 10 --epochs N
 *   --max-minutes X --cv-seed N --backend wasm --gmn '{"overrides":{"layers":1},"lr":0.005,"weightDecay":0.05}']`.
 * `--gmn` / `--gcn` / `--graph-mamba`: that model's recipe as JSON (config overrides, lr, weight decay).
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const backend = await initBackend({ backend: arg('backend') as never });
  await runBenchmark({
    quick: process.argv.includes('--quick'),
    only: arg('only')?.split(','),
    models: arg('models')?.split(',') as GraphModelKind[] | undefined,
    seeds: arg('seeds') ? Number(arg('seeds')) : undefined,
    folds: arg('folds') ? Number(arg('folds')) : undefined,
    epochs: arg('epochs') ? Number(arg('epochs')) : undefined,
    maxMinutes: arg('max-minutes') ? Number(arg('max-minutes')) : undefined,
    cvSeed: arg('cv-seed') ? Number(arg('cv-seed')) : undefined,
    recipes: Object.fromEntries((['gmn', 'gcn', 'graph-mamba'] as const).filter((m) => arg(m)).map((m) => [m, JSON.parse(arg(m) as string) as BenchRecipe])),
    emit: (r) => console.log(JSON.stringify({ ...r, backend: backend.backend, quick: process.argv.includes('--quick') })),
  });
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
