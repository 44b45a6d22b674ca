import type { CliSpec, FlagSpec } from '@statespace/ssm-core';
import { MODEL_NAMES } from '../models/configs';
import { AUGMENT_CHOICES } from '../data/augment';

const DATA_FLAGS: Record<string, FlagSpec> = {
  'skip-bad': { type: 'boolean', default: false, help: 'skip (and count) corrupt or unsupported images instead of failing' },
  size: { type: 'integer', min: 8, help: "model input size in pixels (default: the model config's; images are resized/padded to it)" },
  channels: { type: 'integer', min: 1, max: 3, help: "1 (greyscale) or 3 (RGB) (default: the model config's)" },
  batch: { type: 'integer', min: 1, default: 64, help: 'batch size' },
};

const WORKERS_FLAG: FlagSpec = {
  type: 'integer', min: 0,
  help: 'data-parallel training threads besides the main one (default: --threads/STATESPACE_THREADS − 1 on wasm/cpu, i.e. cores − 1; 0 = one thread)',
};

const RAND_AUGMENT_FLAG: FlagSpec = {
  type: 'string',
  help: "RandAugment 'N,M' on top of --augment: N random ops per image (rotate, shear, translate, colour, ...) at magnitude M in [0, 10], e.g. 2,9 (default off)",
};

export const BENCH_FLAGS: Record<string, FlagSpec> = {
  quick: { type: 'boolean', default: false, help: 'a ~2-minute version (a few hundred steps) for the demo' },
  data: { type: 'string', help: 'Fashion-MNIST folder (default $STATESPACE_DATA/fashion-mnist or ../shared/datasets/fashion-mnist)' },
  test: { type: 'string', help: 'official test files (t10k-*) to report on instead of the held-out 10k' },
  models: { type: 'list', default: ['vmamba-micro'], help: `models to train: ${MODEL_NAMES.join(', ')}, or 'all' for the scan comparison` },
  'train-limit': { type: 'integer', min: 64, help: 'use only the first N training images' },
  'val-limit': { type: 'integer', min: 1, help: 'evaluate on at most N held-out images' },
  'epoch-images': { type: 'integer', min: 1, default: 20000, help: 'images per epoch (a fresh random subset each); validation + checkpoint after each' },
  'max-minutes': { type: 'number', min: 0, default: 60, help: 'training time budget per model' },
  epochs: { type: 'integer', min: 1, default: 50, help: 'training epochs of --epoch-images (the time budget may stop earlier; the cosine then ends with the budget)' },
  lr: { type: 'number', min: 0, help: "peak learning rate (default: the model's recipe, recipeLr: 4e-3 for the 28-px models, 2e-3 otherwise)" },
  batch: { type: 'integer', min: 1, default: 64, help: 'batch size' },
  augment: { type: 'string', default: 'auto', choices: [...AUGMENT_CHOICES], help: 'auto: pad-crop (±2 px shifts) + flips for inputs <= 32 px, random resized crop + flips for larger' },
  'rand-augment': RAND_AUGMENT_FLAG,
  workers: WORKERS_FLAG,
  tta: { type: 'string', default: 'flip', choices: ['flip', 'none'], help: "final evaluation: 'flip' also reports top1_tta/top5_tta (mean softmax of each image and its mirror); top1/top5 stay plain" },
};

export const VISION_CLI: CliSpec = {
  name: 'statespace-vision',
  commands: {
    train: {
      help: 'train a classifier on an IDX folder/file, an image folder root/<class>/*, or a CSV manifest',
      flags: {
        ...DATA_FLAGS,
        train: { type: 'string', required: true, help: 'training data path' },
        test: { type: 'string', help: 'test data path (reported instead of the validation split)' },
        model: { type: 'string', default: 'vmamba-micro', choices: MODEL_NAMES, help: 'model name' },
        epochs: { type: 'integer', min: 1, default: 10, help: 'training epochs' },
        lr: { type: 'number', min: 0, help: "peak learning rate (default: the model's recipe, recipeLr: 4e-3 for the 28-px models, 2e-3 otherwise)" },
        holdout: { type: 'integer', min: 1, help: 'validation images held out from the END of the training data (default 10%, 10,000 for a 60k set)' },
        limit: { type: 'integer', min: 2, help: 'use only the first N training images' },
        'epoch-images': { type: 'integer', min: 1, help: 'images per epoch, a fresh random subset each (default: all); validation and checkpoints follow each epoch' },
        'val-limit': { type: 'integer', min: 1, help: 'validate on at most N images after each epoch (the final evaluation uses all)' },
        'no-augment': { type: 'boolean', default: false, help: 'disable augmentation (same as --augment none)' },
        augment: { type: 'string', default: 'auto', choices: [...AUGMENT_CHOICES], help: "auto: pad-crop (±2 px shifts) + flips for inputs <= 32 px, random resized crop + flips for larger" },
        'rand-augment': RAND_AUGMENT_FLAG,
        'drop-path': { type: 'number', min: 0, max: 0.99, help: 'stochastic depth of the last block' },
        workers: WORKERS_FLAG,
      },
    },
    evaluate: {
      help: 'top-1/top-5/per-class accuracy, confusion-matrix PNG and images/s of a checkpoint',
      flags: {
        ...DATA_FLAGS,
        checkpoint: { type: 'string', required: true, help: 'a train --out folder, its checkpoints/ folder, or a checkpoint folder' },
        test: { type: 'string', required: true, help: 'test data path' },
        limit: { type: 'integer', min: 1, help: 'evaluate on at most N images' },
        tta: { type: 'string', default: 'none', choices: ['flip', 'none'], help: "'flip': average the softmax of each image and its horizontal mirror (reports top1_plain too)" },
      },
    },
    predict: {
      help: 'classify image files',
      positionals: '<image...>',
      flags: {
        checkpoint: { type: 'string', required: true, help: 'a train --out folder, its checkpoints/ folder, or a checkpoint folder' },
        top: { type: 'integer', min: 1, default: 3, help: 'classes listed per image' },
      },
    },
    bench: { help: 'the Fashion-MNIST benchmark (hold out the last 10k training images)', flags: BENCH_FLAGS },
  },
};
