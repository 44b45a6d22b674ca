#!/usr/bin/env node
/**
 * `npm run demo`: after the build, runs each package's demo step in turn.
 * Domain packages add their steps to DEMO_STEPS: a title, a working directory (from the repo root)
 * and the commands to run there. A failing step is reported and the demo goes on with the next.
 * `node tools/demo.js <text>` runs only the steps whose title contains <text>.
 */
const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/**
 * @typedef {{ cmd: string, args: string[], mayFail?: boolean }} DemoCommand
 *   mayFail: a non-zero exit is reported but the step goes on (e.g. tsc emits despite type errors)
 * @type {{ title: string, cwd: string, commands: DemoCommand[] }[]}
 */
const DEMO_STEPS = [
  {
    title: 'ssm-core: fused kernels vs reference twins (short benchmark, --quick)',
    cwd: 'packages/ssm-core',
    commands: [
      { cmd: 'npx', args: ['tsc', '-p', 'tsconfig.bench.json'] },
      { cmd: 'node', args: ['dist-bench/bench/index.js', '--quick'] },
    ],
  },
  {
    title: 'time-series: S-Mamba and SpaceTime vs a linear peer on ETTh1 (--quick)',
    cwd: 'packages/time-series',
    commands: [
      { cmd: 'npx', args: ['tsc', '-p', 'tsconfig.bench.json'] },
      { cmd: 'node', args: ['dist-bench/bench/index.js', '--quick'] },
    ],
  },
  {
    title: 'vision: VMamba-micro on Fashion-MNIST (--quick)',
    cwd: 'packages/vision',
    commands: [
      { cmd: 'npx', args: ['tsc', '-p', 'tsconfig.bench.json'] },
      { cmd: 'node', args: ['dist-bench/bench/index.js', '--quick'] },
    ],
  },
  {
    title: 'audio: FSDD SSAMBA pretrain/fine-tune, LOSO, raw S4D (--quick)',
    cwd: 'packages/audio',
    commands: [
      { cmd: 'npx', args: ['tsc', '-p', 'tsconfig.bench.json'] },
      { cmd: 'node', args: ['dist-bench/bench/index.js', '--quick'] },
    ],
  },
  {
    title: 'point-cloud: PCM-tiny and PointNet on ModelNet10 (--quick)',
    cwd: 'packages/point-cloud',
    commands: [
      { cmd: 'npx', args: ['tsc', '-p', 'tsconfig.bench.json'] },
      { cmd: 'node', args: ['dist-bench/bench/index.js', '--quick', '--only', 'pcm-tiny', '--quiet'] },
    ],
  },
  {
    title: 'graph: GMN and GCN on MUTAG, 3 folds (--quick)',
    cwd: 'packages/graph',
    commands: [
      { cmd: 'npx', args: ['tsc', '-p', 'tsconfig.bench.json'] },
      { cmd: 'node', args: ['dist-bench/bench/index.js', '--quick'] },
    ],
  },
];

function runStep(step) {
  const cwd = path.join(ROOT, step.cwd);
  for (const c of step.commands) {
    const r = spawnSync(c.cmd, c.args, { cwd, stdio: 'inherit' });
    const rc = r.status ?? 1;
    if (rc !== 0 && !c.mayFail) return rc;
    if (rc !== 0) console.log(`(${c.cmd} ${c.args.join(' ')} exited ${rc}; going on)`);
  }
  return 0;
}

function main() {
  const only = process.argv[2];
  let failed = 0;
  for (const step of DEMO_STEPS) {
    if (only && !step.title.includes(only)) continue;
    console.log(`\n=== ${step.title} ===`);
    const t0 = Date.now();
    const rc = runStep(step);
    const secs = ((Date.now() - t0) / 1000).toFixed(0);
    console.log(`=== ${rc === 0 ? 'done' : `FAILED (exit ${rc})`} in ${secs} s ===`);
    if (rc !== 0) failed++;
  }
  process.exit(failed ? 1 : 0);
}

main();
