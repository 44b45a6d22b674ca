#!/usr/bin/env node
import { runCli } from '@statespace/ssm-core';
import { PC_CLI } from './spec';
import { evaluateCommand, predictCommand, trainCommand } from './commands';
import { benchCommand } from '../eval/benchmark';

/** statespace-pc: train | evaluate | predict | bench (in-process entry for tests: returns the exit code). */
export function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  return runCli(PC_CLI, argv, { train: trainCommand, evaluate: evaluateCommand, predict: predictCommand, bench: benchCommand });
}

if (require.main === module) {
  main().then((code) => { process.exitCode = code; });
}
