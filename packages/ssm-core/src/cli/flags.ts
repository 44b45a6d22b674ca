/** How one command-line flag is parsed and documented. Keys of a flag map are the kebab-case names. */
export interface FlagSpec {
  /** 'list' = comma-separated strings ('a,b,c' → ['a','b','c']). */
  type: 'string' | 'number' | 'integer' | 'boolean' | 'list';
  default?: unknown;
  help: string;
  choices?: readonly string[];
  /** Inclusive lower bound for number/integer flags. */
  min?: number;
  /** Inclusive upper bound for number/integer flags. */
  max?: number;
  /** The flag may be repeated; the value is then an array of all occurrences. */
  multiple?: boolean;
  /** Parsing fails when the flag is absent (and has no default). */
  required?: boolean;
}

export interface CommandSpec {
  help: string;
  flags: Record<string, FlagSpec>;
  /** Usage text for positionals, e.g. '<file...>'; when absent, positionals are refused. */
  positionals?: string;
}

export interface CliSpec {
  /** Program name, e.g. 'statespace-ts'. */
  name: string;
  commands: Record<string, CommandSpec>;
}

/** The flags every statespace CLI understands, with one meaning everywhere. Commands may override defaults. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  epochs: { type: 'integer', min: 1, help: 'training epochs' },
  lr: { type: 'number', min: 0, help: 'peak learning rate' },
  batch: { type: 'integer', min: 1, help: 'batch size' },
  seed: { type: 'integer', min: 0, default: 0, help: 'random seed (data order, init)' },
  out: { type: 'string', help: 'output directory (checkpoints, plots, results)' },
  resume: { type: 'boolean', default: false, help: 'continue from <out>/checkpoints/last' },
  json: { type: 'boolean', default: false, help: 'print the result as one JSON line, last on stdout' },
  backend: { type: 'string', choices: ['cpu', 'wasm', 'webgpu', 'tensorflow'], help: 'tfjs backend (default: best available)' },
  threads: { type: 'integer', min: 1, help: 'worker threads (sets STATESPACE_THREADS)' },
  'max-minutes': { type: 'number', min: 0, help: 'stop training after X minutes (still evaluates and checkpoints)' },
  patience: { type: 'integer', min: 1, help: 'early stopping: epochs without improvement' },
  quiet: { type: 'boolean', default: false, help: 'no progress bar' },
  help: { type: 'boolean', default: false, help: 'show this help' },
};

/** 'max-minutes' → 'maxMinutes'. */
export function camelCase(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function describeType(f: FlagSpec): string {
  if (f.choices) return f.choices.join('|');
  if (f.type === 'boolean') return '';
  if (f.type === 'list') return 'a,b,...';
  return f.type === 'integer' ? 'N' : f.type === 'number' ? 'X' : 'VALUE';
}

/** Usage text: the command list, or one command's flags (own flags first, then the common ones). */
export function usage(spec: CliSpec, command?: string): string {
  const cmd = command !== undefined ? spec.commands[command] : undefined;
  if (cmd === undefined) {
    const names = Object.keys(spec.commands);
    const width = Math.max(...names.map((n) => n.length), 4);
    const lines = names.map((n) => `  ${n.padEnd(width)}  ${spec.commands[n].help}`);
    return [`Usage: ${spec.name} <command> [flags]`, '', 'Commands:', ...lines, '',
      `Run '${spec.name} <command> --help' for the command's flags.`].join('\n');
  }
  const own = cmd.flags;
  const common = Object.fromEntries(Object.entries(COMMON_FLAGS).filter(([k]) => !(k in own)));
  const fmt = (flags: Record<string, FlagSpec>) => {
    const rows = Object.entries(flags).map(([k, f]) => {
      const t = describeType(f);
      return [`--${k}${t ? ` ${t}` : ''}`, f.help + (f.default !== undefined && f.type !== 'boolean'
        ? ` (default ${JSON.stringify(f.default)})` : '') + (f.required ? ' (required)' : '') + (f.multiple ? ' (repeatable)' : '')];
    });
    const width = Math.max(...rows.map((r) => r[0].length), 4);
    return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`);
  };
  const out = [`Usage: ${spec.name} ${command}${cmd.positionals ? ` ${cmd.positionals}` : ''} [flags]`, '', cmd.help, ''];
  if (Object.keys(own).length > 0) out.push('Flags:', ...fmt(own), '');
  out.push('Common flags:', ...fmt(common));
  return out.join('\n');
}
