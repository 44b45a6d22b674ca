import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from './main';
import { writePly } from '../data/ply';
import { sphereCloud } from '../testing/data';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A tiny two-class set: spheres vs. flat discs, 64 points each, in the .bin + labels JSON layout. */
function writeTinySet(dir: string, split: string, n: number) {
  fs.mkdirSync(dir, { recursive: true });
  const pts = new Float32Array(n * 64 * 3);
  const labels: number[] = [];
  for (let s = 0; s < n; s++) {
    const c = sphereCloud(64, 100 + s);
    if (s % 2 === 1) for (let i = 0; i < 64; i++) c[3 * i + 2] *= 0.05;
    pts.set(c, s * 64 * 3);
    labels.push(s % 2);
  }
  fs.writeFileSync(path.join(dir, `${split}.bin`), new Uint8Array(pts.buffer));
  fs.writeFileSync(path.join(dir, `${split}_labels.json`), JSON.stringify(labels));
  fs.writeFileSync(path.join(dir, 'classes.json'), '["sphere", "disc"]');
}

function capture(): { out: string[]; restore: () => void } {
  const out: string[] = [];
  const o = process.stdout.write.bind(process.stdout), e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { out.push(`[err] ${String(s)}`); return true; }) as typeof process.stderr.write;
  return { out, restore: () => { process.stdout.write = o; process.stderr.write = e; } };
}

async function run(argv: string[]): Promise<{ code: number; out: string[] }> {
  const c = capture();
  try {
    return { code: await main(argv), out: c.out };
  } finally {
    c.restore();
  }
}

describe('statespace-pc', () => {
  const data = path.join(tmp, 'data');
  beforeAll(() => { writeTinySet(data, 'train', 16); writeTinySet(data, 'test', 4); });

  it('trains 1 epoch with --json, resumes, evaluates and predicts', async () => {
    const out = path.join(tmp, 'run');
    const common = ['--train', data, '--test', data, '--model', 'pcm-micro', '--points', '64', '--batch', '4', '--max-batches', '2', '--out', out, '--backend', 'cpu', '--quiet', '--json'];
    const a = await run(['train', ...common, '--epochs', '1']);
    expect(a.code).toBe(0);
    const last = JSON.parse(a.out.filter((l) => !l.startsWith('[err]')).join('').trim().split('\n').pop()!);
    expect(Object.keys(last).sort()).toEqual(['dataset', 'epochs', 'macc', 'model', 'oa', 'train_seconds']);
    expect(last.epochs).toBe(1);
    expect(fs.existsSync(path.join(out, 'checkpoints', 'last', 'model.json'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'confusion.png'))).toBe(true);
    const b = await run(['train', ...common, '--epochs', '2', '--resume']);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out.filter((l) => !l.startsWith('[err]')).join('').trim().split('\n').pop()!).epochs).toBe(2);
    const ev = await run(['evaluate', '--checkpoint', out, '--data', data, '--split', 'test', '--backend', 'cpu', '--json']);
    expect(ev.code).toBe(0);
    const r = JSON.parse(ev.out.filter((l) => !l.startsWith('[err]')).join('').trim().split('\n').pop()!);
    expect(r.oa).toBeGreaterThanOrEqual(0);
    expect(Object.keys(r.per_class)).toEqual(['sphere', 'disc']);
    const f = path.join(tmp, 'a.ply');
    fs.writeFileSync(f, writePly({ positions: sphereCloud(80, 3), count: 80 }, 'ascii'));
    const pr = await run(['predict', f, '--checkpoint', out, '--backend', 'cpu', '--json', '--top', '2']);
    expect(pr.code).toBe(0);
    const p = JSON.parse(pr.out.filter((l) => !l.startsWith('[err]')).join('').trim().split('\n').pop()!);
    expect(p.predictions[0].top.length).toBe(2);
  }, 300_000); // a few seconds alone; minutes on the shared, overloaded CI machine

  it('reports bad flags and bad data with a clear message', async () => {
    const a = await run(['train', '--train', data, '--epochs', 'abc']);
    expect(a.code).toBe(2);
    expect(a.out.join('')).toMatch(/--epochs expects an integer/);
    const b = await run(['train', '--train', data, '--model', 'pcm-huge']);
    expect(b.code).toBe(2);
    const c = await run(['train', '--train', path.join(tmp, 'nope'), '--backend', 'cpu']);
    expect(c.code).toBe(1);
    expect(c.out.join('')).toMatch(/dataset path .*nope does not exist/);
  });
});
