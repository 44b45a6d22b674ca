#!/usr/bin/env node
import { runCli } from '@statespace/ssm-core';
import { runBenchCommand } from '../bench/runBench';
import { evaluateCommand, forecastCommand, trainCommand } from './commands';
import { TS_CLI } from './spec';

/** statespace-ts: train | evaluate | forecast | bench. Returns the exit code (tests call it in-process). */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  return runCli(TS_CLI, argv, { train: trainCommand, evaluate: evaluateCommand, forecast: forecastCommand, bench: runBenchCommand });
}

if (require.main === module) {
  main().then((code) => {
    process.exitCode = code;
  });
}
