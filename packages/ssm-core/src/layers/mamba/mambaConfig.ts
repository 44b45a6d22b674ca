import type { Rng } from '../../train/seed';
import { checkDtRange, checkPositiveInt, resolveSeed } from '../lti/common';
import { MAX_CONV_WIDTH } from '../../ops/causal-conv1d/kernelNames';

/** Options of one Mamba mixer (ALGORITHMS §1.6); camelCase names of the reference's arguments. */
export interface MambaOptions {
  /** Input and output width (required). */
  dModel: number;
  /** N, the SSM state size per channel (default 16). */
  dState?: number;
  /** Width of the depthwise causal convolution (default 4, at most 8). */
  dConv?: number;
  /** d_inner = expand · dModel (default 2). */
  expand?: number;
  /** Rank of the Δ projection: 'auto' = ceil(dModel / 16) (default) or an integer. */
  dtRank?: number | 'auto';
  dtMin?: number;
  dtMax?: number;
  /** Initial Δ values are clamped to at least this (default 1e-4). */
  dtInitFloor?: number;
  /** Scales dt_proj's init bound dtRank^-0.5 (default 1). */
  dtScale?: number;
  /** Seed of the initial weights; a random one is drawn (and saved in the config) when absent. */
  seed?: number;
}

/** Resolved options, as saved in getConfig (dtRank kept as given: 'auto' or the number). */
export interface MambaConfig {
  dModel: number;
  dState: number;
  dConv: number;
  expand: number;
  dtRank: number | 'auto';
  dtMin: number;
  dtMax: number;
  dtInitFloor: number;
  dtScale: number;
  seed: number;
}

function checkPositiveNumber(layer: string, name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(allowZero ? v >= 0 : v > 0)) {
    throw new Error(`${layer}: option '${name}' must be a finite number ${allowZero ? '>= 0' : '> 0'}, received ${String(v)}`);
  }
  return v;
}

/** Checks and fills in defaults; errors name the layer, the option, what was expected and what was received. */
export function resolveMambaConfig(layer: string, o: Partial<MambaOptions> | undefined): MambaConfig {
  if (o == null || typeof o !== 'object') throw new Error(`${layer}: expected an options object with 'dModel', received ${String(o)}`);
  if (o.dModel == null) throw new Error(`${layer}: option 'dModel' is required (an integer >= 1), received ${String(o.dModel)}`);
  const dModel = checkPositiveInt(layer, 'dModel', o.dModel);
  const dState = checkPositiveInt(layer, 'dState', o.dState ?? 16);
  const dConv = checkPositiveInt(layer, 'dConv', o.dConv ?? 4);
  if (dConv > MAX_CONV_WIDTH) throw new Error(`${layer}: option 'dConv' must be an integer in [1, ${MAX_CONV_WIDTH}], received ${dConv}`);
  const expand = checkPositiveNumber(layer, 'expand', o.expand ?? 2);
  if (!Number.isInteger(expand * dModel)) {
    throw new Error(`${layer}: option 'expand' times dModel must be an integer (d_inner), received expand=${expand}, dModel=${dModel}`);
  }
  const dtRank = o.dtRank ?? 'auto';
  if (dtRank !== 'auto') checkPositiveInt(layer, 'dtRank', dtRank);
  const dtMin = o.dtMin ?? 1e-3;
  const dtMax = o.dtMax ?? 1e-1;
  checkDtRange(layer, dtMin, dtMax);
  const dtInitFloor = checkPositiveNumber(layer, 'dtInitFloor', o.dtInitFloor ?? 1e-4, true);
  const dtScale = checkPositiveNumber(layer, 'dtScale', o.dtScale ?? 1);
  const seed = resolveSeed(layer, o.seed);
  return { dModel, dState, dConv, expand, dtRank, dtMin, dtMax, dtInitFloor, dtScale, seed };
}

export const innerDim = (c: MambaConfig): number => c.expand * c.dModel;
export const rankOf = (c: MambaConfig): number => (c.dtRank === 'auto' ? Math.ceil(c.dModel / 16) : c.dtRank);

/** U(±bound) values. */
export function uniform(count: number, bound: number, rng: Rng): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (2 * rng() - 1) * bound;
  return out;
}

/**
 * dt_proj bias (the Δ bias): dt = exp(U[ln dtMin, ln dtMax]) clamped to >= dtInitFloor, then the
 * inverse softplus dt + log(−expm1(−dt)) (computed in float64), so softplus(bias) = dt at init.
 */
export function dtBiasInit(count: number, c: MambaConfig, rng: Rng): Float32Array {
  const [lo, hi] = [Math.log(c.dtMin), Math.log(c.dtMax)];
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const dt = Math.max(Math.exp(lo + (hi - lo) * rng()), c.dtInitFloor);
    out[i] = dt + Math.log(-Math.expm1(-dt));
  }
  return out;
}

/** S4D-Real A: A_log[d, n] = log(n + 1), the same for every channel. */
export function aLogInit(dInner: number, N: number): Float32Array {
  const out = new Float32Array(dInner * N);
  for (let d = 0; d < dInner; d++) for (let n = 0; n < N; n++) out[d * N + n] = Math.log(n + 1);
  return out;
}
