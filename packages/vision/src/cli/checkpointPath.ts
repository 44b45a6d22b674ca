import * as fs from 'fs';
import * as path from 'path';
import { loadCheckpoint } from '@statespace/ssm-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '../models/buildModel'; // registers the vision layers for loading
import type { VisionDataConfig } from '../train/trainVision';

/** Loads the best model of a train --out folder, its checkpoints/ folder, or one checkpoint folder. */
export async function loadVisionCheckpoint(dir: string): Promise<{ model: tfl.LayersModel; data: VisionDataConfig }> {
  if (!fs.existsSync(dir)) throw new Error(`--checkpoint ${dir}: no such folder`);
  const root = fs.existsSync(path.join(dir, 'checkpoints')) ? path.join(dir, 'checkpoints') : dir;
  const { model, state } = await loadCheckpoint(root);
  const data = state.extraState as VisionDataConfig | undefined;
  if (data == null || typeof data.size !== 'number' || !Array.isArray(data.classNames)) {
    throw new Error(`--checkpoint ${dir}: state.json lacks the vision data config (size, channels, mean, std, classNames); was it written by statespace-vision train?`);
  }
  return { model, data };
}
