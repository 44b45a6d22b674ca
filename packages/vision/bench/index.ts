/**
 * npm run bench -w @statespace/vision [-- --quick] [--models vmamba-micro|all] [--test DIR] [--max-minutes X] ...
 * Fashion-MNIST (train on the first 50k training images, report on the last 10k held out), one
 * JSON line per model on stdout. Same flags as `statespace-vision bench`.
 */
import { main } from '../src/cli/main';

main(['bench', ...process.argv.slice(2)]).then((code) => {
  process.exitCode = code;
});
