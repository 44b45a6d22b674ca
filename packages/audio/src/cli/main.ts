#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { CliError, runCli, type CliSpec, type FlagSpec, type ParsedCli } from '@statespace/ssm-core';
import { runBench } from '../eval/bench';
import { MODEL_NAMES, runPretrain, runTrain, type ModelName } from '../train/experiment';
import { evaluateCheckpoint, predictFiles } from '../train/inference';

const MODEL_FLAGS: Record<string, FlagSpec> = {
  size: { type: 'string', help: 'named size: ssamba nano|mini|micro|tiny|small (default tiny), s4d-raw nano|micro|tiny (default micro)' },
  frames: { type: 'integer', min: 16, help: 'ssamba: spectrogram frames kept per clip (10 ms each; default 100)' },
  bins: { type: 'integer', min: 16, help: 'ssamba: mel bins (default 128)' },
  stride: { type: 'integer', min: 1, help: 'ssamba: patch stride in time and frequency (default 16; SSAMBA fine-tunes with 10, position embeddings are resized)' },
  samples: { type: 'integer', min: 16, help: 's4d-raw: samples per clip at 8 kHz (default 8000; 16000 for 2 s)' },
  mixer: { type: 'string', choices: ['s4d', 'mamba'], help: 's4d-raw: the SSM layer (default s4d)' },
  frame: { type: 'integer', min: 1, help: 's4d-raw: samples per SSM step (default 1 = every sample)' },
  rate: { type: 'integer', min: 1000, help: 'resample clips to this rate before features (default: fbank 16000, s4d-raw 8000)' },
  'test-speakers': { type: 'list', help: 'hold these speakers out as the test set (speaker-independent split)' },
};

export const AUDIO_CLI: CliSpec = {
  name: 'statespace-audio',
  commands: {
    pretrain: {
      help: 'self-supervised SSAMBA pretraining on the training audio (clustered patch masking, InfoNCE + reconstruction)',
      flags: {
        data: { type: 'string', required: true, help: 'FSDD / Speech Commands / class-folder directory or CSV manifest' },
        'mask-ratio': { type: 'number', min: 0.01, max: 0.95, default: 0.4, help: 'fraction of patches masked' },
        epochs: { type: 'integer', min: 1, default: 10, help: 'training epochs' },
        batch: { type: 'integer', min: 1, default: 32, help: 'batch size' },
        lr: { type: 'number', min: 0, default: 1e-3, help: 'peak learning rate' },
        ...MODEL_FLAGS,
      },
    },
    train: {
      help: 'train a classifier (ssamba or s4d-raw), optionally from a pretrained SSAMBA (--init), and test it',
      flags: {
        data: { type: 'string', required: true, help: 'training data: FSDD / Speech Commands / class folders / CSV manifest' },
        model: { type: 'string', required: true, choices: MODEL_NAMES, help: 'ssamba or s4d-raw' },
        test: { type: 'string', help: 'evaluate on every file under PATH instead of the data\'s own test split' },
        init: { type: 'string', help: 'SSAMBA pretraining output (statespace-audio pretrain --out DIR) to start from' },
        epochs: { type: 'integer', min: 1, default: 20, help: 'training epochs' },
        batch: { type: 'integer', min: 1, default: 32, help: 'batch size' },
        lr: { type: 'number', min: 0, default: 1e-3, help: 'peak learning rate' },
        'spec-augment': { type: 'boolean', default: false, help: 'SpecAugment frequency and time masks (ssamba)' },
        mixup: { type: 'number', min: 0, default: 0, help: 'mixup alpha (0 = off)' },
        validation: { type: 'number', min: 0, max: 0.5, default: 0, help: 'fraction of train held out for validation / early stopping' },
        ...MODEL_FLAGS,
      },
    },
    evaluate: {
      help: 'accuracy and confusion matrix of a trained checkpoint',
      flags: {
        checkpoint: { type: 'string', required: true, help: 'a train run\'s --out directory (or its checkpoints dir)' },
        data: { type: 'string', help: 'evaluate on this data\'s test split' },
        test: { type: 'string', help: 'evaluate on every file under PATH' },
        'test-speakers': MODEL_FLAGS['test-speakers'],
      },
    },
    predict: {
      help: 'classify WAV files',
      positionals: '<file.wav|folder...>',
      flags: {
        checkpoint: { type: 'string', required: true, help: 'a train run\'s --out directory' },
        top: { type: 'integer', min: 1, default: 3, help: 'classes listed per file' },
      },
    },
    bench: {
      help: 'the FSDD benchmark: pretrained vs scratch SSAMBA, leave-one-speaker-out, raw-waveform S4D',
      flags: {
        data: { type: 'string', help: 'FSDD folder (default $STATESPACE_DATA/fsdd or ../shared/datasets/fsdd)' },
        quick: { type: 'boolean', default: false, help: 'a 1–2 minute version (tiny budgets)' },
        only: { type: 'list', help: 'subset of: pretrained, scratch, loso, raw' },
      },
    },
  },
};

function overridesOf(f: ParsedCli['flags'], model: ModelName | 'ssamba'): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (model === 'ssamba') {
    if (f.frames !== undefined) o.frames = f.frames;
    if (f.bins !== undefined) o.bins = f.bins;
    if (f.stride !== undefined) Object.assign(o, { tstride: f.stride, fstride: f.stride });
  } else {
    if (f.samples !== undefined) o.length = f.samples;
    if (f.mixer !== undefined) o.mixer = f.mixer;
    if (f.frame !== undefined) o.frame = f.frame;
  }
  return o;
}

const outDir = (f: ParsedCli['flags'], fallback: string): string => path.resolve(f.out ?? fallback);

const HANDLERS = {
  pretrain: async ({ flags: f }: ParsedCli) => {
    const r = await runPretrain({
      data: f.data, out: outDir(f, 'statespace-audio-pretrain'), epochs: f.epochs, batch: f.batch, lr: f.lr, seed: f.seed, resume: f.resume,
      maxMinutes: f.maxMinutes, quiet: f.quiet, size: f.size, sampleRate: f.rate, overrides: overridesOf(f, 'ssamba'), testSpeakers: f.testSpeakers, maskRatio: f.maskRatio,
    });
    process.stderr.write(`pretrained ${r.epochs} epochs on ${r.examples} clips in ${r.train_seconds.toFixed(1)} s, loss ${r.loss.toFixed(4)} → ${r.checkpoint}\n`);
    return { dataset: r.dataset, model: r.model, loss: r.loss, epochs: r.epochs, train_seconds: r.train_seconds, pretrained: false };
  },
  train: async ({ flags: f }: ParsedCli) => {
    const model = f.model as ModelName;
    const out = outDir(f, `statespace-audio-${model}`);
    const r = await runTrain({
      data: f.data, out, model, test: f.test, init: f.init, epochs: f.epochs, batch: f.batch, lr: f.lr, seed: f.seed, resume: f.resume,
      maxMinutes: f.maxMinutes, patience: f.patience, quiet: f.quiet, size: f.size, sampleRate: f.rate, overrides: overridesOf(f, model), testSpeakers: f.testSpeakers,
      specAugment: f.specAugment, mixup: f.mixup, validationFraction: f.validation,
    });
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'result.json'), `${JSON.stringify(r, null, 1)}\n`);
    process.stderr.write(`${model}: test accuracy ${(100 * r.accuracy).toFixed(2)}% on ${r.test_examples} clips after ${r.epochs} epochs (${r.train_seconds.toFixed(1)} s) → ${r.checkpoint}\n`);
    return { dataset: r.dataset, model: r.model, accuracy: r.accuracy, epochs: r.epochs, train_seconds: r.train_seconds, pretrained: r.pretrained };
  },
  evaluate: async ({ flags: f }: ParsedCli) => {
    const { report, state, examples } = await evaluateCheckpoint(f.checkpoint, { data: f.data, test: f.test, testSpeakers: f.testSpeakers });
    process.stderr.write(`accuracy ${(100 * report.accuracy).toFixed(2)}% on ${examples} clips\nconfusion (rows true ${state.classes.join(' ')}):\n${report.confusion.map((r) => r.join('\t')).join('\n')}\n`);
    return { dataset: state.dataset, model: state.model, accuracy: report.accuracy, mean_class_accuracy: report.meanClassAccuracy, examples, confusion: report.confusion };
  },
  predict: async ({ flags: f, positionals }: ParsedCli) => {
    if (positionals.length === 0) throw new CliError('statespace-audio predict: give one or more WAV files', 2);
    const preds = await predictFiles(f.checkpoint, positionals, f.top);
    for (const p of preds) process.stderr.write(`${p.file}\t${p.label}\t${p.probability.toFixed(3)}\n`);
    return { predictions: preds };
  },
  bench: async ({ flags: f }: ParsedCli) => runBench({ data: f.data, quick: f.quick, only: f.only, seed: f.seed, quiet: f.quiet, out: f.out, epochs: f.epochs, maxMinutes: f.maxMinutes, log: (l) => process.stderr.write(`${l}\n`) }),
};

/** Runs the CLI in-process; returns the exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  return runCli(AUDIO_CLI, argv, HANDLERS);
}

if (require.main === module) {
  main().then((code) => {
    process.exitCode = code;
  });
}
