/**
 * FSDD benchmark: `npm run bench -w @statespace/audio [-- --quick] [--only pretrained,scratch,loso,raw]`.
 * Prints one JSON line per result (last line: all results), progress on stderr.
 */
import { runCli, type CliSpec } from '@statespace/ssm-core';
import { AUDIO_CLI } from '../src/cli/main';
import { runBench } from '../src/eval/bench';

const spec: CliSpec = { name: 'statespace-audio-bench', commands: { bench: AUDIO_CLI.commands.bench } };

async function mainBench(): Promise<number> {
  const argv = ['bench', ...process.argv.slice(2).filter((a) => a !== 'bench')];
  return runCli(spec, argv, {
    bench: async ({ flags: f }) => {
      const all = await runBench({
        data: f.data, quick: f.quick, only: f.only, seed: f.seed, quiet: f.quiet, out: f.out, epochs: f.epochs, maxMinutes: f.maxMinutes,
        log: (l) => process.stderr.write(`${l}\n`),
        onResult: (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
      });
      return f.json ? all : undefined;
    },
  });
}

mainBench().then((code) => {
  process.exitCode = code;
});
