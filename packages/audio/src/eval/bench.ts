import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { meanAndStd, resolveDataDir } from '@statespace/ssm-core';
import { loadFsdd } from '../data/layouts';
import { speakersOf } from '../data/split';
import { runPretrain, runTrain, type TrainRunResult } from '../train/experiment';

export interface BenchOptions {
  data?: string;
  quick?: boolean;
  only?: string[];
  seed?: number;
  quiet?: boolean;
  out?: string;
  log?: (line: string) => void;
  /** Called with each result line as it is produced (the bench script prints them as JSON lines). */
  onResult?: (r: object) => void;
  /** Overrides the fine-tuning / LOSO / raw epochs of the budget. */
  epochs?: number;
  /** Overrides the per-run time cap (minutes). */
  maxMinutes?: number;
}

/** Budgets of the FSDD benchmark; --quick shrinks everything to about a minute or two. */
export function benchBudget(quick: boolean) {
  return quick
    ? { size: 'nano', frames: 64, bins: 64, rate: 8000, lr: 2e-3, preEpochs: 1, ftEpochs: 2, batch: 32, rawEpochs: 1, rawSize: 'nano', rawFrame: 20, losoEpochs: 1, subset: 200,
      preMinutes: 2, ftMinutes: 2, losoMinutes: 2, rawMinutes: 2 }
    // Sized for a shared 2-core VM (each run well under 30 minutes there): SSAMBA-mini on 64 frames × 64 mel bins of
    // 8 kHz audio (FSDD's own rate, so no mel bin is empty; 16 patches), S4D on 8,000 samples in 20-sample frames.
    // Epochs are chosen so the cosine schedule finishes inside the caps; the caps only guard against heavy load.
    : { size: 'mini', frames: 64, bins: 64, rate: 8000, lr: 2e-3, preEpochs: 16, ftEpochs: 24, batch: 32, rawEpochs: 12, rawSize: 'micro', rawFrame: 20, losoEpochs: 5, subset: 0,
      preMinutes: 14, ftMinutes: 20, losoMinutes: 4, rawMinutes: 16 };
}

const pick = (r: TrainRunResult, extra: object) => ({
  dataset: r.dataset, model: r.model, accuracy: r.accuracy, epochs: r.epochs, train_seconds: r.train_seconds, pretrained: r.pretrained, ...extra,
});

/**
 * The FSDD benchmark (issue #7 item 6): SSAMBA pretrained on the training audio then fine-tuned
 * (official split), the same fine-tuning from scratch, leave-one-speaker-out (mean over the five
 * speakers, from scratch so no audio of the held-out speaker is seen), and the raw-waveform S4D.
 */
export async function runBench(o: BenchOptions = {}): Promise<object> {
  const data = o.data ?? resolveDataDir('fsdd');
  if (!fs.existsSync(data)) throw new Error(`bench: FSDD not found at ${data}; set STATESPACE_DATA or pass --data (datasets/audio/fetch.sh downloads it)`);
  const b = benchBudget(o.quick ?? false);
  if (o.epochs !== undefined) Object.assign(b, { ftEpochs: o.epochs, losoEpochs: o.epochs, rawEpochs: o.epochs });
  if (o.maxMinutes !== undefined) Object.assign(b, { preMinutes: o.maxMinutes, ftMinutes: o.maxMinutes, losoMinutes: o.maxMinutes, rawMinutes: o.maxMinutes });
  const want = new Set(o.only ?? ['pretrained', 'scratch', 'loso', 'raw']);
  const root = o.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'statespace-audio-bench-'));
  const log = o.log ?? (() => undefined);
  const emit = o.onResult ?? (() => undefined);
  const seed = o.seed ?? 0;
  let dataPath = data;
  if (b.subset > 0) dataPath = subsetManifest(data, root, b.subset);
  const ssamba = { size: b.size, overrides: { frames: b.frames, bins: b.bins }, sampleRate: b.rate, batch: b.batch, seed, quiet: o.quiet, lr: b.lr, maxMinutes: b.ftMinutes };
  const results: object[] = [];
  const push = (r: object) => {
    results.push(r);
    emit(r);
  };
  if (want.has('pretrained') || want.has('scratch')) {
    let pre: string | undefined;
    if (want.has('pretrained')) {
      log(`pretraining SSAMBA-${b.size} on the training audio (${b.preEpochs} epochs)`);
      const p = await runPretrain({ ...ssamba, data: dataPath, out: path.join(root, 'pretrain'), epochs: b.preEpochs, maxMinutes: b.preMinutes });
      push({ experiment: 'ssamba-pretrain', dataset: p.dataset, model: 'ssamba', loss: p.loss, epochs: p.epochs, train_seconds: p.train_seconds });
      pre = path.join(root, 'pretrain');
      const r = await runTrain({ ...ssamba, data: dataPath, out: path.join(root, 'finetune'), model: 'ssamba', init: pre, epochs: b.ftEpochs, specAugment: true });
      push(pick(r, { experiment: 'ssamba-finetune', split: 'official', pretrain_seconds: p.train_seconds }));
    }
    if (want.has('scratch')) {
      const r = await runTrain({ ...ssamba, data: dataPath, out: path.join(root, 'scratch'), model: 'ssamba', epochs: b.ftEpochs, specAugment: true });
      push(pick(r, { experiment: 'ssamba-scratch', split: 'official' }));
    }
  }
  if (want.has('loso')) {
    const speakers = speakersOf(loadFsdd(data));
    const accs: number[] = [];
    for (const s of speakers) {
      log(`leave-one-speaker-out: testing on ${s}`);
      const r = await runTrain({ ...ssamba, data: dataPath, out: path.join(root, `loso-${s}`), model: 'ssamba', epochs: b.losoEpochs, maxMinutes: b.losoMinutes, specAugment: true, testSpeakers: [s] });
      accs.push(r.accuracy);
      push(pick(r, { experiment: 'ssamba-loso', held_out: s }));
    }
    const { mean, std } = meanAndStd(accs);
    push({ experiment: 'ssamba-loso-mean', dataset: 'fsdd', model: 'ssamba', accuracy: mean, std, folds: accs.length, pretrained: false });
  }
  if (want.has('raw')) {
    const r = await runTrain({ data: dataPath, out: path.join(root, 'raw'), model: 's4d-raw', size: b.rawSize, overrides: { frame: b.rawFrame },
      epochs: b.rawEpochs, batch: 32, lr: 3e-3, seed, quiet: o.quiet, maxMinutes: b.rawMinutes });
    push(pick(r, { experiment: 's4d-raw', split: 'official', samples: 8000, frame: b.rawFrame }));
  }
  return { dataset: 'fsdd', results };
}

/** A CSV manifest over the first `n` train and n/4 test clips of each speaker (for --quick). */
function subsetManifest(data: string, root: string, n: number): string {
  const ds = loadFsdd(data);
  fs.mkdirSync(root, { recursive: true });
  const rows = ['file,label,split,speaker'];
  const take = (split: 'train' | 'test', k: number) => {
    const items = ds.items.filter((i) => i.split === split);
    const step = Math.max(1, Math.floor(items.length / k));
    for (let i = 0; i < items.length && rows.length < 1 + n * 2; i += step) rows.push(`${items[i].file},${items[i].label},${split},${items[i].speaker}`);
  };
  take('train', n);
  take('test', Math.ceil(n / 4));
  const f = path.join(root, 'fsdd.csv');
  fs.writeFileSync(f, `${rows.join('\n')}\n`);
  return f;
}
