import * as tfl from '@tensorflow/tfjs-layers';
import { buildSequenceModel, fit, Linear, S4D } from '@statespace/ssm-core';
import { arSeries, stableArCoefficients } from '../data/synthetic';
import { StandardScaler } from '../data/splits';
import { WindowSet } from '../data/windows';
import { evaluateWindows } from '../eval/metrics';
import { buildSpaceTime } from '../models/spaceTime';
import { disposeBatch, forecastLoss } from '../train/loss';

export type ArModel = 'spacetime' | 's4d' | 's4d-deep';
export const AR_MODELS: readonly ArModel[] = ['spacetime', 's4d', 's4d-deep'];

export interface ArResult {
  p: number;
  /** Which random process of this order (its coefficients and series are seeded by p and this index). */
  process: number;
  model: ArModel;
  params: number;
  state_size: number;
  /** Test MSE divided by the MSE of the true AR(p) predictor (1 = as good as the true process allows). */
  relative_mse: number;
  mse: number;
  oracle_mse: number;
  train_seconds: number;
}

export interface ArOptions {
  orders?: number[];
  /** Random processes per order (default 3). */
  processes?: number;
  /** Root moduli of the processes, uniform in [minRadius, radius] (default 0.9–0.99: near the unit circle). */
  radius?: number;
  minRadius?: number;
  lookback?: number;
  horizon?: number;
  /** State size d of SpaceTime's companion matrix and N of both S4D models (default 16 ≥ p). */
  stateSize?: number;
  epochs?: number;
  batches?: number;
  lr?: number;
  models?: ArModel[];
  /** Overrides of SpaceTime's `ar` preset. */
  spaceTime?: Record<string, unknown>;
  seed?: number;
  log?: (s: string) => void;
}

/** MSE of the optimal multi-step forecast (iterate the true recursion with zero future noise), on scaled values. */
function oracleMse(set: WindowSet, phi: number[], scaler: StandardScaler): number {
  let se = 0;
  let n = 0;
  const [m, s] = [scaler.mean[0], scaler.std[0]];
  for (let i = 0; i < set.count; i++) {
    const { x, y } = set.gather([i]);
    const hist = Array.from(x, (v) => v * s + m);
    for (let h = 0; h < set.horizon; h++) {
      let pred = 0;
      for (let j = 0; j < phi.length; j++) pred += phi[j] * hist[hist.length - 1 - j];
      hist.push(pred);
      const e = (pred - m) / s - y[h];
      se += e * e;
      n++;
    }
  }
  return se / n;
}

/** (L, H) features → the last step's H features as (H, 1), with built-in layers (reshape, crop, reshape). */
function lastStep(y: tfl.SymbolicTensor, L: number, H: number): tfl.SymbolicTensor {
  y = tfl.layers.reshape({ targetShape: [L, H, 1] }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.cropping2D({ cropping: [[L - 1, 0], [0, 0]] }).apply(y) as tfl.SymbolicTensor;
  return tfl.layers.reshape({ targetShape: [H, 1] }).apply(y) as tfl.SymbolicTensor;
}

/**
 * One S4D layer with state size N: Linear(1 → H) → S4D (H channels, N each; the layer's own GELU and GLU output)
 * → Linear(H → H) at the last step. An SSM read at the last step needs one channel per forecast step, so H channels
 * is the smallest S4D forecaster of this shape.
 */
function buildS4dLayerForecaster(L: number, H: number, N: number, seed: number): tfl.LayersModel {
  const x = tfl.input({ shape: [L, 1] });
  let y = new Linear({ units: H, seed: seed + 1, name: 'embed' }).apply(x) as tfl.SymbolicTensor;
  y = new S4D({ dState: N, seed: seed + 2, name: 's4d' }).apply(y) as tfl.SymbolicTensor;
  y = new Linear({ units: H, seed: seed + 3, name: 'head' }).apply(y) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: lastStep(y, L, H) });
}

/** The deeper S4D forecaster of earlier rounds: Dense → 2 × Block(S4D) (width 8, N) → RMSNorm → Dense(H) at the last step. */
function buildS4dDeepForecaster(L: number, H: number, N: number, seed: number): tfl.LayersModel {
  const x = tfl.input({ shape: [L, 1] });
  const seq = buildSequenceModel({ inputDim: 1, dModel: 8, nLayers: 2, mixer: 's4d', outputDim: H, seed, dState: N });
  return tfl.model({ inputs: x, outputs: lastStep(seq.apply(x) as tfl.SymbolicTensor, L, H) });
}

/**
 * SpaceTime's AR(p) claim (§2.1): a companion SSM represents an AR(p) process exactly (in the closed loop, A + bK is
 * the process's companion matrix), a diagonal SSM such as S4D does not. On seeded AR(p) processes (p up to 8, roots
 * near the unit circle) we train SpaceTime's `ar` preset (one closed-loop companion SSM, state d) and S4D models of
 * the same state size on the same windows, budget and learning rate, and score each against the true predictor.
 */
export async function runArExperiment(o: ArOptions = {}): Promise<ArResult[]> {
  const orders = o.orders ?? [2, 4, 8];
  const [L, H, d] = [o.lookback ?? 64, o.horizon ?? 16, o.stateSize ?? 16];
  const models = o.models ?? AR_MODELS;
  for (const m of models) if (!AR_MODELS.includes(m)) throw new Error(`runArExperiment: option 'models' expects some of ${AR_MODELS.join(', ')}, received '${String(m)}'`);
  const out: ArResult[] = [];
  for (const p of orders) {
    if (p > d) throw new Error(`runArExperiment: order p = ${p} exceeds the state size ${d}`);
    for (let k = 0; k < (o.processes ?? 3); k++) {
      const phi = stableArCoefficients(p, 100 + p + 1000 * k, o.radius ?? 0.99, o.minRadius ?? 0.9);
      const series = arSeries(phi, 4000, 200 + p + 1000 * k);
      const nTrain = 2800;
      const scaler = StandardScaler.fit(series, 1, nTrain);
      const scaled = scaler.transform(series, 1);
      const train = new WindowSet('AR train', scaled, 1, 0, nTrain, L, H, [0], [0]);
      const test = new WindowSet('AR test', scaled, 1, nTrain - L, 4000, L, H, [0], [0]);
      const oracle = oracleMse(test, phi, scaler);
      for (const name of models) {
        const seed = (o.seed ?? 0) + k;
        const model = name === 'spacetime'
          ? buildSpaceTime({ lookback: L, horizon: H, nInputs: 1, targetChannels: null }, 'ar', { kernelDim: d, seed, ...(o.spaceTime ?? {}) })
          : name === 's4d' ? buildS4dLayerForecaster(L, H, d, seed) : buildS4dDeepForecaster(L, H, d, seed);
        const batches = o.batches ?? 40;
        const r = await fit({
          model, lr: o.lr ?? 1e-2, weightDecay: 0, schedule: 'cosine', epochs: o.epochs ?? 20, batchesPerEpoch: batches, seed, progress: false,
          trainBatches: function* (_e, rng) {
            const all = train.batchIndices(32, rng);
            for (let i = 0; i < batches; i++) yield train.batch(all[i % all.length]);
          },
          loss: forecastLoss, disposeBatch,
        });
        const mse = evaluateWindows(model, test, null).mse;
        out.push({ p, process: k, model: name, params: model.countParams(), state_size: d, relative_mse: mse / oracle, mse, oracle_mse: oracle, train_seconds: r.trainSeconds });
        o.log?.(`AR(${p}) process ${k} ${name}: mse ${mse.toFixed(4)} vs oracle ${oracle.toFixed(4)} (×${(mse / oracle).toFixed(3)}), ${model.countParams()} params`);
        model.dispose();
      }
    }
  }
  return out;
}
