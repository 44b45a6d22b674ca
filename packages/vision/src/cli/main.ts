#!/usr/bin/env node
import { runCli } from '@statespace/ssm-core';
import { runBenchCommand } from '../bench/runBench';
import { evaluateCommand, predictCommand, trainCommand } from './commands';
import { VISION_CLI } from './spec';

/** statespace-vision: train | evaluate | predict | bench. Returns the exit code (tests call it in-process). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  return runCli(VISION_CLI, argv, { train: trainCommand, evaluate: evaluateCommand, predict: predictCommand, bench: runBenchCommand });
}

if (require.main === module) {
  main().then((code) => {
    process.exitCode = code;
  });
}
