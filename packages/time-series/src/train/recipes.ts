import type { ForecastModelKind } from '../models';

/** Training recipe: what `train` uses when a flag is not given. */
export interface Recipe {
  preset: string;
  lr: number;
  batch: number;
  epochs: number;
  patience: number;
  weightDecay: number;
  schedule: 'cosine' | 'constant';
}

/**
 * The papers' recipes. S-Mamba's ETTh1 script: Adam, lr 7e-5 (horizons 96/192) or 5e-5 (336/720), batch 32,
 * 10 epochs, patience 3 (its halving schedule is replaced by the kit's cosine decay). SpaceTime: AdamW
 * lr 1e-3, weight decay 1e-4, batch 32, early stopping (the paper trains up to 500 epochs; 20 here).
 * TSM2 follows S-Mamba's loop with lr 1e-3 (our choice; no published ETT script was available).
 */
export function defaultRecipe(kind: ForecastModelKind, horizon: number): Recipe {
  if (kind === 's-mamba') return { preset: 'paper', lr: horizon <= 192 ? 7e-5 : 5e-5, batch: 32, epochs: 10, patience: 3, weightDecay: 0, schedule: 'cosine' };
  if (kind === 'spacetime') return { preset: 'paper', lr: 1e-3, batch: 32, epochs: 20, patience: 5, weightDecay: 1e-4, schedule: 'cosine' };
  return { preset: 'paper', lr: 1e-3, batch: 32, epochs: 10, patience: 3, weightDecay: 0, schedule: 'cosine' };
}
