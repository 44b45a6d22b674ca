import { parseCli, CliError, runCli, COMMON_FLAGS, printJsonResult, type CliSpec } from './index';

const spec: CliSpec = {
  name: 'statespace-ts',
  commands: {
    train: { help: 'train a model', flags: {
      'd-model': { type: 'integer', min: 1, default: 64, help: 'model width' },
      model: { type: 'string', choices: ['mamba', 's4'], default: 'mamba', help: 'architecture' },
      horizons: { type: 'list', help: 'forecast horizons' },
      tag: { type: 'string', multiple: true, help: 'tags' },
      epochs: { type: 'integer', min: 1, default: 10, help: 'epochs' },
    } },
    eval: { help: 'evaluate', flags: { ckpt: { type: 'string', required: true, help: 'checkpoint dir' } }, positionals: '<file...>' },
  },
};

function cliError(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('parseCli', () => {
  it('parses, camelCases, fills defaults and merges the common flags', () => {
    const p = parseCli(spec, ['train', '--d-model', '32', '--max-minutes=1.5', '--json', '--lr', '3e-4', '--horizons', '96,192',
      '--tag', 'a', '--tag', 'b', '--backend', 'cpu']);
    expect(p.command).toBe('train');
    expect(p.flags).toMatchObject({ dModel: 32, maxMinutes: 1.5, json: true, lr: 3e-4, horizons: ['96', '192'], tag: ['a', 'b'],
      backend: 'cpu', seed: 0, resume: false, quiet: false, model: 'mamba', epochs: 10 });
    expect(p.flags.patience).toBeUndefined();
    expect(Object.keys(COMMON_FLAGS)).toEqual(expect.arrayContaining(['epochs', 'lr', 'batch', 'seed', 'out', 'resume', 'json',
      'backend', 'threads', 'max-minutes', 'patience', 'quiet', 'help']));
    expect(parseCli(spec, ['eval', '--ckpt', 'x', 'a.csv', 'b.csv']).positionals).toEqual(['a.csv', 'b.csv']);
  });

  it('names the flag, what it expects and what it received', () => {
    expect(cliError(() => parseCli(spec, ['train', '--epochs', 'abc'])).message)
      .toBe("statespace-ts train: --epochs expects an integer >= 1, received 'abc'");
    expect(cliError(() => parseCli(spec, ['train', '--epochs', '0'])).message).toMatch(/--epochs expects an integer >= 1, received '0'/);
    expect(cliError(() => parseCli(spec, ['train', '--epochs', '1.5'])).message).toMatch(/received '1.5'/);
    expect(cliError(() => parseCli(spec, ['train', '--lr', 'x'])).message).toMatch(/--lr expects a number >= 0, received 'x'/);
    expect(cliError(() => parseCli(spec, ['train', '--backend', 'gpu'])).message)
      .toMatch(/--backend expects one of cpu\|wasm\|webgpu\|tensorflow, received 'gpu'/);
    expect(cliError(() => parseCli(spec, ['train', '--epochs'])).message).toMatch(/--epochs expects an integer >= 1, received no value/);
    expect(cliError(() => parseCli(spec, ['train', '--epochs', '--json'])).message).toMatch(/--epochs expects .* received flag '--json'/);
    const unknown = cliError(() => parseCli(spec, ['train', '--foo', '1']));
    expect(unknown.message).toMatch(/unknown flag --foo for 'train'; known: .*--d-model.*--epochs/);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.usage).toMatch(/Usage: statespace-ts train/);
    expect(cliError(() => parseCli(spec, ['eval'])).message).toMatch(/missing required flag --ckpt/);
    expect(cliError(() => parseCli(spec, ['fly'])).message).toMatch(/unknown command 'fly'; known: train, eval/);
    expect(cliError(() => parseCli(spec, ['train', 'extra'])).message).toMatch(/unexpected argument 'extra'/);
    expect(cliError(() => parseCli(spec, ['train', '--json=maybe'])).message).toMatch(/--json expects no value \(or =true\/=false\), received 'maybe'/);
    expect(cliError(() => parseCli(spec, ['train', '--seed', '1', '--seed', '2'])).message).toMatch(/--seed given more than once/);
  });

  it('--help and no command give usage (exit 0 for help, 2 otherwise)', () => {
    const h = cliError(() => parseCli(spec, ['train', '--help']));
    expect(h.exitCode).toBe(0);
    expect(h.message).toMatch(/Usage: statespace-ts train/);
    expect(h.message).toMatch(/--d-model N +model width \(default 64\)/);
    expect(h.message).toMatch(/--max-minutes X/);
    const top = cliError(() => parseCli(spec, ['--help']));
    expect(top.exitCode).toBe(0);
    expect(top.message).toMatch(/Commands:\n {2}train +train a model/);
    const none = cliError(() => parseCli(spec, []));
    expect(none.exitCode).toBe(2);
    expect(none.message).toMatch(/missing command/);
  });
});

describe('runCli', () => {
  const streams = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, s: { stdout: { write: (x: string) => out.push(x) }, stderr: { write: (x: string) => err.push(x) } } };
  };

  it('runs the handler on the chosen backend and prints the JSON result as the last stdout line', async () => {
    const { out, err, s } = streams();
    const code = await runCli(spec, ['train', '--json', '--backend', 'cpu', '--epochs', '3'], {
      train: async (p) => {
        s.stdout.write('some log\n');
        return { epochs: p.flags.epochs, nested: { a: [1, 2] } };
      },
    }, s);
    expect(code).toBe(0);
    expect(err.join('')).toBe('');
    const lines = out.join('').trimEnd().split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toEqual({ epochs: 3, nested: { a: [1, 2] } });
  });

  it('without --json prints nothing; errors go to stderr with exit codes 2 (usage), 0 (help), 1 (failure)', async () => {
    let r = streams();
    expect(await runCli(spec, ['train', '--backend', 'cpu'], { train: async () => ({ a: 1 }) }, r.s)).toBe(0);
    expect(r.out).toEqual([]);
    r = streams();
    expect(await runCli(spec, ['train', '--epochs', 'x'], {}, r.s)).toBe(2);
    expect(r.err.join('')).toMatch(/--epochs expects an integer >= 1, received 'x'[\s\S]*Usage:/);
    r = streams();
    expect(await runCli(spec, ['train', '--help'], {}, r.s)).toBe(0);
    expect(r.err.join('')).toMatch(/Usage: statespace-ts train/);
    r = streams();
    expect(await runCli(spec, ['train', '--backend', 'cpu'], { train: async () => { throw new Error('boom'); } }, r.s)).toBe(1);
    expect(r.err.join('')).toBe('error: boom\n');
  });

  it('printJsonResult writes exactly one line', () => {
    const out: string[] = [];
    printJsonResult({ a: 1, b: 'x\ny' }, { write: (x: string) => out.push(x) });
    expect(out.join('').split('\n')).toEqual(['{"a":1,"b":"x\\ny"}', '']);
  });
});
