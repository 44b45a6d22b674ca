/**
 * npm run bench -w @statespace/time-series -- --data ../shared/datasets/ett [--quick] [--max-minutes X] [--doc FILE]
 * Same flags as `statespace-ts bench`; one JSON line per result on stdout.
 */
import { main } from '../src/cli/main';

main(['bench', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
