import { parseArgs } from 'util';
import { COMMON_FLAGS, camelCase, usage, type CliSpec, type FlagSpec } from './flags';

/** A usage problem (or --help): the message is for the user; exitCode 0 for help, 2 for bad usage. */
export class CliError extends Error {
  readonly exitCode: number;
  /** Usage text to print with the message (empty when the message already is the usage). */
  readonly usage: string;
  constructor(message: string, exitCode = 2, usageText = '') {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.usage = usageText;
  }
}

export interface ParsedCli {
  command: string;
  /** camelCased flag names → parsed values (defaults filled in; absent flags without default are undefined). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  flags: Record<string, any>;
  positionals: string[];
}

/** The flags a command accepts: its own specs first, then the COMMON_FLAGS it does not override. */
export function commandFlags(spec: CliSpec, command: string): Record<string, FlagSpec> {
  const own = spec.commands[command].flags;
  return { ...own, ...Object.fromEntries(Object.entries(COMMON_FLAGS).filter(([k]) => !(k in own))) };
}

function expectation(f: FlagSpec): string {
  const range = f.min !== undefined && f.max !== undefined ? ` in [${f.min}, ${f.max}]`
    : f.min !== undefined ? ` >= ${f.min}` : f.max !== undefined ? ` <= ${f.max}` : '';
  if (f.choices) return `one of ${f.choices.join('|')}`;
  switch (f.type) {
    case 'integer': return `an integer${range}`;
    case 'number': return `a number${range}`;
    case 'list': return 'a comma-separated list';
    case 'boolean': return 'no value (or =true/=false)';
    default: return 'a value';
  }
}

/** Converts one raw value; throws a message naming what was expected and received. */
function convert(f: FlagSpec, raw: string | undefined, fail: (msg: string) => never): unknown {
  if (f.type === 'boolean') {
    if (raw === undefined || raw === 'true') return true;
    if (raw === 'false') return false;
    return fail(`expects ${expectation(f)}, received '${raw}'`);
  }
  if (raw === undefined || raw === '') return fail(`expects ${expectation(f)}, received no value`);
  if (f.type === 'list') {
    const items = raw.split(',').map((s) => s.trim());
    if (items.some((s) => s === '')) fail(`expects ${expectation(f)} without empty items, received '${raw}'`);
    if (f.choices) {
      const bad = items.find((s) => !f.choices!.includes(s));
      if (bad !== undefined) fail(`expects items from ${f.choices.join('|')}, received '${bad}'`);
    }
    return items;
  }
  if (f.type === 'number' || f.type === 'integer') {
    const v = raw.trim() === '' ? NaN : Number(raw);
    const ok = Number.isFinite(v) && (f.type === 'number' || Number.isInteger(v)) &&
      (f.min === undefined || v >= f.min) && (f.max === undefined || v <= f.max);
    if (!ok) fail(`expects ${expectation(f)}, received '${raw}'`);
    return v;
  }
  if (f.choices && !f.choices.includes(raw)) fail(`expects ${expectation(f)}, received '${raw}'`);
  return raw;
}

/**
 * Parses `argv` (without node and script: `process.argv.slice(2)`) as `<command> [flags] [positionals]`.
 * Tokenizing is node's util.parseArgs; validation is ours so errors name the flag, what it expects and
 * what it received.
 */
export function parseCli(spec: CliSpec, argv: string[]): ParsedCli {
  const top = usage(spec);
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    if (first === undefined) throw new CliError(`${spec.name}: missing command`, 2, top);
    throw new CliError(top, 0);
  }
  if (first.startsWith('-')) throw new CliError(`${spec.name}: expected a command before flags, received '${first}'`, 2, top);
  if (!Object.prototype.hasOwnProperty.call(spec.commands, first)) {
    throw new CliError(`${spec.name}: unknown command '${first}'; known: ${Object.keys(spec.commands).join(', ')}`, 2, top);
  }
  const command = first;
  const specs = commandFlags(spec, command);
  const cmdUsage = usage(spec, command);
  const fail = (msg: string): never => {
    throw new CliError(`${spec.name} ${command}: ${msg}`, 2, cmdUsage);
  };
  const options = Object.fromEntries(Object.entries(specs).map(([k, f]) =>
    [k, { type: f.type === 'boolean' ? 'boolean' as const : 'string' as const, multiple: true }]));
  // strict: false so we produce the error messages (unknown flag, missing value) ourselves.
  const { tokens } = parseArgs({ args: argv.slice(1), options, strict: false, allowPositionals: true, tokens: true });
  const raw = new Map<string, unknown[]>();
  const positionals: string[] = [];
  let i = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    const f = specs[t.name];
    if (f === undefined) {
      fail(`unknown flag ${t.rawName} for '${command}'; known: ${Object.keys(specs).map((k) => `--${k}`).join(' ')}`);
    }
    if (f.type === 'boolean' && !t.inlineValue && t.value !== undefined) fail(`--${t.name} expects no value`);
    if (f.type !== 'boolean' && !t.inlineValue && t.value !== undefined && t.value.startsWith('--')) {
      fail(`--${t.name} expects ${expectation(f)}, received flag '${t.value}'`);
    }
    const value = convert(f, t.value, (m) => fail(`--${t.name} ${m}`));
    const list = raw.get(t.name) ?? [];
    if (list.length > 0 && !f.multiple) fail(`--${t.name} given more than once`);
    list.push(value);
    raw.set(t.name, list);
  }
  if (raw.get('help')?.[0] === true) throw new CliError(cmdUsage, 0);
  if (positionals.length > 0 && spec.commands[command].positionals === undefined) {
    fail(`unexpected argument '${positionals[0]}' (this command takes flags only)`);
  }
  const flags: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(specs)) {
    const given = raw.get(k);
    let v: unknown = given === undefined ? undefined : f.multiple ? given : given[0];
    if (v === undefined) v = f.default !== undefined ? f.default : f.type === 'boolean' ? false : undefined;
    if (v === undefined && f.required) fail(`missing required flag --${k} (${f.help})`);
    flags[camelCase(k)] = v;
  }
  return { command, flags, positionals };
}
