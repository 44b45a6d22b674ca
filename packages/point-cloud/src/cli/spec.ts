import type { CliSpec, FlagSpec } from '@statespace/ssm-core';
import { SERIALIZATIONS } from '../serialize/orders';

const data: Record<string, FlagSpec> = {
  points: { type: 'integer', min: 8, default: 1024, help: 'points per cloud (resampled after unit-sphere normalization)' },
  votes: { type: 'integer', min: 1, default: 1, help: 'test-time voting over augmented copies' },
};
const model: Record<string, FlagSpec> = {
  model: { type: 'string', choices: ['pcm', 'pcm-tiny', 'pcm-micro', 'pointnet', 'pointnet-small'], default: 'pcm-tiny', help: 'model (pcm-micro: a smoke-test size)' },
  serialization: { type: 'string', choices: SERIALIZATIONS, default: 'cts', help: 'PCM point order per layer (the ablation)' },
};

export const PC_CLI: CliSpec = {
  name: 'statespace-pc',
  commands: {
    train: {
      help: 'train a point-cloud classifier (PCM or PointNet); holds out a stratified validation split of --train',
      flags: {
        train: { type: 'string', required: true, help: 'training data: folder with train.bin + train_labels.json + classes.json, ModelNet40 .h5 folder, or <class>/train/ files' },
        test: { type: 'string', help: 'test data (folder with test.bin..., .h5, or class folders); reported instead of validation' },
        'val-fraction': { type: 'number', min: 0.01, max: 0.5, default: 0.15, help: 'stratified hold-out fraction of --train for validation' },
        'max-train': { type: 'integer', min: 1, help: 'use at most this many training shapes (quick runs)' },
        'max-batches': { type: 'integer', min: 1, help: 'at most this many batches per epoch (quick runs)' },
        'max-val': { type: 'integer', min: 1, help: 'validate on a stratified subset of at most this many held-out shapes' },
        epochs: { type: 'integer', min: 1, default: 10, help: 'training epochs' },
        'auto-epochs': { type: 'boolean', default: false, help: 'fit the epochs (at most --epochs) to --max-minutes, timed on a few steps first, so the cosine schedule completes' },
        batch: { type: 'integer', min: 1, default: 32, help: 'batch size' },
        lr: { type: 'number', min: 0, default: 2e-3, help: 'peak learning rate (AdamW, cosine)' },
        ...model, ...data,
      },
    },
    evaluate: {
      help: 'evaluate a checkpoint: OA, mAcc, per-class accuracy, confusion-matrix PNG',
      flags: {
        checkpoint: { type: 'string', required: true, help: 'checkpoint dir (<out>/checkpoints/best or a dir holding model.json)' },
        data: { type: 'string', required: true, help: 'dataset path (as for train --test)' },
        split: { type: 'string', default: 'test', help: 'split name in the dataset folder' },
        batch: { type: 'integer', min: 1, default: 32, help: 'batch size' },
        ...data,
      },
    },
    predict: {
      help: 'classify point-cloud files (.pcd .ply .off .xyz .txt .pts)',
      positionals: '<file...>',
      flags: { checkpoint: { type: 'string', required: true, help: 'checkpoint dir' }, votes: data.votes, top: { type: 'integer', min: 1, default: 3, help: 'classes to list per file' } },
    },
    bench: {
      help: 'the ModelNet10 benchmark: PCM-tiny, PointNet, and the serialization ablation (cts / zorder / random)',
      flags: {
        data: { type: 'string', help: 'ModelNet10 folder (default $STATESPACE_DATA/modelnet10)' },
        test: { type: 'string', help: 'official test data (folder with test.bin); default: the 15% held-out validation split' },
        quick: { type: 'boolean', default: false, help: 'a ~1-2 minute version' },
        only: { type: 'list', help: 'runs to do, of pcm-tiny,pointnet,ablation (default pcm-tiny: the 60-minute run of the issue)' },
        epochs: { type: 'integer', min: 1, help: 'epochs per run' },
        'max-minutes': { type: 'number', min: 0, help: 'training-time cap per run, in minutes' },
        'auto-epochs': { type: 'boolean', default: true, help: 'fit the epochs of each run (at most --epochs) to --max-minutes (not with --quick)' },
        batch: { type: 'integer', min: 1, help: 'batch size (default 16)' },
      },
    },
  },
};
