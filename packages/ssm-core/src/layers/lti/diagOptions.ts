import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { checkDtRange, checkEvenInt, checkOneOf, checkPositiveInt, resolveSeed } from './common';
import { DISCS, type Disc } from './diagKernel';

/** Options of a diagonal SSM, shared by S4D, S4 (DiagonalSSMBase) and H3's diagonal part. */
export interface DiagSsmOptionArgs {
  /** H, the input and output width (checked against the input when given). */
  dModel?: number;
  d_model?: number;
  /** N, the state size: N/2 complex modes per channel (conjugates implied). Default 64. */
  dState?: number;
  d_state?: number;
  disc?: Disc;
  dtMin?: number;
  dtMax?: number;
  seed?: number;
}

export interface DiagSsmOptions {
  dModel: number | null;
  dState: number;
  disc: Disc;
  dtMin: number;
  dtMax: number;
  seed: number;
}

/** Checks and resolves the options (snake_case aliases, defaults); errors name `layer` and the option. */
export function resolveDiagOptions(layer: string, args: DiagSsmOptionArgs): DiagSsmOptions {
  const dModel = args.dModel ?? args.d_model ?? null;
  if (dModel != null) checkPositiveInt(layer, 'dModel', dModel);
  const dtMin = args.dtMin ?? 1e-3;
  const dtMax = args.dtMax ?? 1e-1;
  checkDtRange(layer, dtMin, dtMax);
  return {
    dModel,
    dState: checkEvenInt(layer, 'dState', args.dState ?? args.d_state ?? 64),
    disc: checkOneOf(layer, 'disc', args.disc ?? 'zoh', DISCS),
    dtMin,
    dtMax,
    seed: resolveSeed(layer, args.seed),
  };
}

/**
 * Base of the layers built on a diagonal SSM (DiagonalSSMBase for S4D/S4, H3): resolves and checks
 * the shared options once, and writes them to getConfig.
 */
export abstract class DiagOptionsLayer extends tfl.layers.Layer implements DiagSsmOptions {
  readonly dModel: number | null;
  readonly dState: number;
  readonly disc: Disc;
  readonly dtMin: number;
  readonly dtMax: number;
  readonly seed: number;

  constructor(args: LayerArgs & DiagSsmOptionArgs, layerName: string) {
    super(args);
    const o = resolveDiagOptions(layerName, args);
    this.dModel = o.dModel;
    this.dState = o.dState;
    this.disc = o.disc;
    this.dtMin = o.dtMin;
    this.dtMax = o.dtMax;
    this.seed = o.seed;
    this.supportsMasking = true;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dModel: this.dModel, dState: this.dState, disc: this.disc, dtMin: this.dtMin, dtMax: this.dtMax, seed: this.seed };
  }
}
