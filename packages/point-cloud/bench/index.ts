/**
 * ModelNet10 benchmark (`npm run bench -w @statespace/point-cloud`): PCM-tiny (CTS), PointNet and the
 * serialization ablation (z-order, random) trained on the training split with a 15% stratified hold-out, one JSON
 * line per run. Flags: --quick (a ~1-2 minute version), --only pcm-tiny,pointnet,ablation, --test DIR, the common flags.
 */
import { main } from '../src/cli/main';

main(['bench', ...process.argv.slice(2)]).then((code) => { process.exitCode = code; });
