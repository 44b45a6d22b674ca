import { initBackend } from '../backend/initBackend';
import { CliError, parseCli, type ParsedCli } from './parseCli';
import type { CliSpec } from './flags';

/** Where runCli and printJsonResult write; injectable for tests. */
export interface CliStreams {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

const processStreams = (): CliStreams => ({ stdout: process.stdout, stderr: process.stderr });

/** Prints `obj` as ONE JSON line on stdout (the machine-readable result; everything else goes to stderr). */
export function printJsonResult(obj: object, stdout: CliStreams['stdout'] = process.stdout): void {
  // Non-finite numbers become null in JSON; say so rather than silently.
  stdout.write(`${JSON.stringify(obj)}\n`);
}

export type CliHandler = (p: ParsedCli) => Promise<object | void>;

/**
 * Parses argv, starts the backend (flags.backend; flags.threads → STATESPACE_THREADS), runs the
 * command's handler. Returns the process exit code: 0 ok, 2 usage error, 1 other error. With --json,
 * an object returned by the handler is printed as the last stdout line.
 */
export async function runCli(spec: CliSpec, argv: string[], handlers: Record<string, CliHandler>,
  streams: CliStreams = processStreams()): Promise<number> {
  let parsed: ParsedCli;
  try {
    parsed = parseCli(spec, argv);
  } catch (e) {
    if (e instanceof CliError) {
      streams.stderr.write(`${e.message}\n${e.usage ? `\n${e.usage}\n` : ''}`);
      return e.exitCode;
    }
    throw e;
  }
  try {
    const handler = handlers[parsed.command];
    if (handler === undefined) throw new Error(`${spec.name}: command '${parsed.command}' has no handler`);
    if (parsed.flags.threads !== undefined) process.env.STATESPACE_THREADS = String(parsed.flags.threads);
    await initBackend({ backend: parsed.flags.backend });
    const result = await handler(parsed);
    if (parsed.flags.json && result != null && typeof result === 'object') printJsonResult(result, streams.stdout);
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      streams.stderr.write(`${e.message}\n${e.usage ? `\n${e.usage}\n` : ''}`);
      return e.exitCode;
    }
    const err = e as Error;
    streams.stderr.write(`error: ${err?.message ?? String(e)}\n`);
    if (process.env.STATESPACE_DEBUG) streams.stderr.write(`${err?.stack ?? ''}\n`);
    return 1;
  }
}
