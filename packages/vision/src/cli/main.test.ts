import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { renderShapes } from '../data/synthetic';
import { writeIdxSplit } from '../data/writeIdx';
import { main } from './main';

/** Runs the CLI in-process; returns the exit code, stdout lines and stderr text. */
async function run(argv: string[]): Promise<{ code: number; lines: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  try {
    const code = await main(argv);
    return { code, lines: out.join('').split('\n').filter((l) => l !== ''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('statespace-vision CLI (in-process, generated data)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vision-cli-'));
  const data = path.join(dir, 'shapes');
  const out = path.join(dir, 'run');
  writeIdxSplit(data, 'train', renderShapes(80, 1));
  writeIdxSplit(data, 't10k', renderShapes(24, 2));
  const common = ['--train', data, '--batch', '16', '--holdout', '16', '--out', out, '--quiet', '--json', '--backend', 'wasm'];

  it('trains one epoch, writes checkpoints and the confusion PNG, and prints the result line last', async () => {
    const r = await run(['train', ...common, '--epochs', '1', '--test', data]);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.lines[r.lines.length - 1]);
    expect(Object.keys(res).sort()).toEqual(['dataset', 'epochs', 'model', 'params', 'top1', 'top5', 'train_seconds']);
    expect(res.model).toBe('vmamba-micro');
    expect(res.epochs).toBe(1);
    expect(res.top1).toBeGreaterThanOrEqual(0);
    expect(res.top5).toBeGreaterThanOrEqual(res.top1);
    expect(fs.existsSync(path.join(out, 'checkpoints', 'best', 'model.json'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'confusion.png'))).toBe(true);
  });

  it('--resume continues from the last checkpoint (with --max-minutes: the time-aware schedule\'s optimizer)', async () => {
    const r = await run(['train', ...common, '--epochs', '2', '--resume', '--max-minutes', '5']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.lines[r.lines.length - 1]).epochs).toBe(2);
    const state = JSON.parse(fs.readFileSync(path.join(out, 'checkpoints', 'last', 'state.json'), 'utf8'));
    expect(state.epoch).toBe(2);
  });

  it('evaluate and predict use the checkpoint', async () => {
    const ev = await run(['evaluate', '--checkpoint', out, '--test', data, '--json', '--backend', 'wasm']);
    expect(ev.code).toBe(0);
    const res = JSON.parse(ev.lines[ev.lines.length - 1]);
    expect(res.count).toBe(24);
    expect(fs.existsSync(path.join(out, 'confusion-eval.png'))).toBe(true);
    const img = path.join(dir, 'disc.png');
    await sharp({ create: { width: 28, height: 28, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .composite([{ input: Buffer.from('<svg width="28" height="28"><circle cx="14" cy="14" r="7" fill="white"/></svg>') }]).png().toFile(img);
    const pr = await run(['predict', '--checkpoint', out, img, '--json', '--backend', 'wasm']);
    expect(pr.code).toBe(0);
    const p = JSON.parse(pr.lines[pr.lines.length - 1]);
    expect(p.predictions[0].top).toHaveLength(3);
  });

  it('bad flags and bad inputs give clear errors', async () => {
    const bad = await run(['train', '--train', data, '--epochs', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--epochs expects an integer/);
    const model = await run(['train', '--train', data, '--model', 'resnet']);
    expect(model.code).toBe(2);
    expect(model.err).toMatch(/--model/);
    const missing = await run(['evaluate', '--checkpoint', path.join(dir, 'nope'), '--test', data]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/--checkpoint .*nope: no such folder/);
  });
});
