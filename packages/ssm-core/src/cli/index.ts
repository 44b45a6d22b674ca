export { COMMON_FLAGS, camelCase, usage as cliUsage } from './flags';
export type { FlagSpec, CommandSpec, CliSpec } from './flags';
export { parseCli, CliError, commandFlags } from './parseCli';
export type { ParsedCli } from './parseCli';
export { runCli, printJsonResult } from './runCli';
export type { CliHandler, CliStreams } from './runCli';
export { ProgressBar } from './progress';
export type { ProgressBarOptions, ProgressStream } from './progress';
