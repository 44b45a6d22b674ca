import * as fs from 'fs';
import * as path from 'path';
import { main } from './main';
import { sine, tmpDir } from '../data/testUtil';
import { encodeWav } from '../data/wav';

/** A tiny FSDD-named tree: 2 digits × 2 speakers × 7 takes of distinct tones (takes 0–4 test, 5–6 train... plus extra train). */
function tinyFsdd(): string {
  const dir = tmpDir('statespace-audio-cli-');
  for (const digit of [0, 1]) {
    for (const spk of ['ann', 'bob']) {
      for (let take = 0; take < 10; take++) {
        const hz = digit === 0 ? 400 + take * 5 : 1500 + take * 5;
        fs.writeFileSync(path.join(dir, `${digit}_${spk}_${take}.wav`), encodeWav(sine(hz, 8000, 2400, 0.3), 8000, '16'));
      }
    }
  }
  return dir;
}

/** Captures stdout/stderr while running the CLI in-process. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

const lastJson = (s: string): Record<string, unknown> => JSON.parse(s.trim().split('\n').pop()!);

describe('statespace-audio CLI', () => {
  const data = tinyFsdd();
  const work = tmpDir('statespace-audio-cli-out-');
  const common = ['--backend', 'cpu', '--quiet', '--json', '--batch', '8', '--seed', '1'];
  const ssamba = ['--size', 'nano', '--frames', '32', '--bins', '32'];

  it('pretrain → train --init → evaluate → predict, with the JSON last line', async () => {
    // --rate 8000: fbank of the clips at their own 8 kHz; the fine-tuning inherits it from the pretraining.
    const pre = await run(['pretrain', '--data', data, '--epochs', '1', '--out', path.join(work, 'pre'), '--rate', '8000', ...ssamba, ...common]);
    expect(pre.err).not.toMatch(/error/);
    expect(pre.code).toBe(0);
    expect(lastJson(pre.out)).toMatchObject({ dataset: path.basename(data), model: 'ssamba', epochs: 1, pretrained: false });

    const tr = await run(['train', '--data', data, '--model', 'ssamba', '--init', path.join(work, 'pre'), '--epochs', '1', '--out', path.join(work, 'ft'), '--spec-augment', '--mixup', '0.2', ...common]);
    expect(tr.code).toBe(0);
    const j = lastJson(tr.out);
    expect(Object.keys(j).sort()).toEqual(['accuracy', 'dataset', 'epochs', 'model', 'pretrained', 'train_seconds']);
    expect(j).toMatchObject({ model: 'ssamba', epochs: 1, pretrained: true });
    expect(j.accuracy).toBeGreaterThanOrEqual(0);
    const ftState = JSON.parse(fs.readFileSync(path.join(work, 'ft', 'checkpoints', 'last', 'state.json'), 'utf8'));
    expect(ftState.extraState.features).toMatchObject({ kind: 'fbank', sampleRate: 8000, numMelBins: 32, length: 32 });

    const ev = await run(['evaluate', '--checkpoint', path.join(work, 'ft'), '--data', data, ...common]);
    expect(ev.code).toBe(0);
    expect(lastJson(ev.out).accuracy).toBeCloseTo(j.accuracy as number, 6);

    const wav = path.join(data, '1_bob_0.wav');
    const pr = await run(['predict', '--checkpoint', path.join(work, 'ft'), wav, ...common.filter((f) => f !== '--batch' && f !== '8')]);
    expect(pr.code).toBe(0);
    const preds = lastJson(pr.out).predictions as { file: string; label: string }[];
    expect(preds[0].file).toBe(wav);
    expect(['0', '1']).toContain(preds[0].label);
  });

  it('s4d-raw trains on 8,000-sample clips, --test PATH, and --resume continues from the last checkpoint', async () => {
    const out = path.join(work, 'raw');
    const testDir = tmpDir();
    for (const f of ['0_ann_0.wav', '1_bob_1.wav']) fs.copyFileSync(path.join(data, f), path.join(testDir, f));
    const args = ['train', '--data', data, '--model', 's4d-raw', '--size', 'nano', '--frame', '20', '--test', testDir, '--out', out, ...common];
    const a = await run([...args, '--epochs', '1']);
    expect(a.code).toBe(0);
    const b = await run([...args, '--epochs', '2', '--resume']);
    expect(b.code).toBe(0);
    expect(lastJson(b.out)).toMatchObject({ model: 's4d-raw', epochs: 2, pretrained: false });
    const state = JSON.parse(fs.readFileSync(path.join(out, 'checkpoints', 'last', 'state.json'), 'utf8'));
    expect(state.epoch).toBe(2);
    expect(state.history.length).toBe(2);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8')).test_examples).toBe(2);
    expect(fs.statSync(path.join(out, 'confusion.png')).size).toBeGreaterThan(100);
  });

  it('bad flags and bad files give clear errors', async () => {
    const bad = await run(['train', '--data', data, '--model', 'transformer']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--model/);
    const missing = await run(['train', '--model', 'ssamba']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--data/);
    const notWav = path.join(tmpDir(), 'x.wav');
    fs.writeFileSync(notWav, 'nope');
    const pr = await run(['predict', '--checkpoint', path.join(work, 'ft'), notWav, '--backend', 'cpu']);
    expect(pr.code).toBe(1);
    expect(pr.err).toContain(notWav);
    const noInit = await run(['train', '--data', data, '--model', 'ssamba', '--init', path.join(work, 'raw'), '--backend', 'cpu', '--quiet']);
    expect(noInit.code).toBe(1);
    expect(noInit.err).toMatch(/not an SSAMBA pretraining checkpoint/);
  });
});
