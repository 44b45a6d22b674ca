import * as fs from 'fs';
import * as path from 'path';
import { writeDemoCsv } from '../data/synthetic';
import { tempDir } from '../data/testUtil';
import { main } from './main';

const dir = tempDir();
const csv = path.join(dir, 'demo.csv');
writeDemoCsv(csv, 1200);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process; returns the exit code, stdout lines and stderr text. */
async function run(args: string[]): Promise<{ code: number; lines: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  try {
    const code = await main(args);
    return { code, lines: out.join('').split('\n').filter((l) => l.length > 0), err: err.join('') };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

const common = ['--csv', csv, '--model', 's-mamba', '--preset', 'micro', '--lookback', '24', '--horizon', '8', '--batch', '16', '--max-batches', '3', '--backend', 'cpu', '--quiet'];

it('train → --json last line; evaluate and forecast from the checkpoint; --resume continues', async () => {
  const out = path.join(dir, 'run');
  const r = await run(['train', ...common, '--epochs', '1', '--out', out, '--json']);
  expect(r.err).not.toMatch(/error:/);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.lines[r.lines.length - 1]);
  expect(Object.keys(j)).toEqual(expect.arrayContaining(['dataset', 'model', 'lookback', 'horizon', 'mse', 'mae', 'epochs', 'train_seconds']));
  expect([j.dataset, j.model, j.lookback, j.horizon, j.epochs]).toEqual(['demo', 's-mamba', 24, 8, 1]);
  expect(j.mse).toBeGreaterThan(0);
  expect(fs.existsSync(path.join(out, 'checkpoints', 'best', 'model.json'))).toBe(true);
  expect(fs.existsSync(path.join(out, 'training-curves.png'))).toBe(true);
  expect(fs.existsSync(path.join(out, 'forecast.png'))).toBe(true);

  const e = await run(['evaluate', '--csv', csv, '--checkpoint', out, '--backend', 'cpu', '--json']);
  expect(e.code).toBe(0);
  const ej = JSON.parse(e.lines[e.lines.length - 1]);
  expect(ej.mse).toBeCloseTo(j.mse, 5); // the same best checkpoint on the same test windows

  const png = path.join(dir, 'fc.png');
  const f = await run(['forecast', '--csv', csv, '--checkpoint', out, '--plot', png, '--output', path.join(dir, 'fc.csv'), '--backend', 'cpu', '--json']);
  expect(f.code).toBe(0);
  expect(fs.statSync(png).size).toBeGreaterThan(1000);
  expect(fs.readFileSync(path.join(dir, 'fc.csv'), 'utf8').trim().split('\n').length).toBe(9);

  const res = await run(['train', ...common, '--epochs', '2', '--out', out, '--resume', '--json']);
  expect(res.code).toBe(0);
  expect(JSON.parse(res.lines[res.lines.length - 1]).epochs).toBe(2); // epoch 1 from the checkpoint + epoch 2
});

it('bad flags and bad files are clear errors', async () => {
  const bad = await run(['train', '--csv', csv, '--model', 's-mamba', '--epochs', 'abc']);
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/--epochs expects an integer/);
  const unknown = await run(['train', '--csv', csv, '--model', 'lstm']);
  expect(unknown.code).toBe(2);
  expect(unknown.err).toMatch(/--model/);
  const missing = await run(['evaluate', '--csv', path.join(dir, 'nope.csv'), '--checkpoint', dir, '--backend', 'cpu']);
  expect(missing.code).toBe(2);
  expect(missing.err).toMatch(/--checkpoint: no checkpoint in/);
});
