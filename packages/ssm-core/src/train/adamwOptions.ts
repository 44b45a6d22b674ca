import type { LrSchedule } from './schedule';

/** Settings for the variables whose name the group matches (the first matching group wins). */
export interface ParamGroup {
  match: RegExp | ((variableName: string) => boolean);
  lr?: number | LrSchedule;
  weightDecay?: number;
}

export interface AdamWOptions {
  /** Number, or schedule of the 1-based update step t (default 1e-3). */
  lr?: number | LrSchedule;
  beta1?: number; // default 0.9
  beta2?: number; // default 0.999
  eps?: number; // default 1e-8
  /** Decoupled decay coefficient: param ← param − lr·weightDecay·param (default 0.01). */
  weightDecay?: number;
  groups?: ParamGroup[];
  /**
   * Variables whose full name matches get no weight decay, whatever their group says. Default
   * /(bias|norm|gamma|beta)/i: biases, norm layers' weights, and anything inside a layer whose name
   * contains "norm" (tfjs names variables `<layer>/<weight>`). `null` disables it.
   */
  noDecay?: RegExp | null;
}

export const DEFAULT_NO_DECAY = /(bias|norm|gamma|beta)/i;
/** SSM parameters are named with an `ssm_` prefix by the layers of this package (ssm_A_log, ssm_dt_bias, …). */
export const SSM_PARAM_PATTERN = /(^|\/)ssm_/;

/** The group for SSM parameters (A, B, C, dt, D): their own learning rate and no weight decay, as in S4/Mamba. */
export function ssmParameterGroup(lr?: number | LrSchedule): ParamGroup {
  return { match: SSM_PARAM_PATTERN, lr, weightDecay: 0 };
}

export interface ResolvedOptions {
  lr: number | LrSchedule;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  groups: ParamGroup[];
  noDecay: RegExp | null;
}

const OP = 'AdamW';

function fail(name: string, want: string, v: unknown): never {
  throw new Error(`${OP}: option '${name}' must be ${want}, received ${typeof v === 'function' ? 'a function' : String(v)}`);
}

function checkLr(name: string, v: unknown): void {
  if (typeof v === 'function') return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(name, 'a finite number >= 0 or a schedule function', v);
}

export function resolveOptions(o: AdamWOptions = {}): ResolvedOptions {
  if (o == null || typeof o !== 'object') fail('options', 'an object', o);
  const r: ResolvedOptions = {
    lr: o.lr ?? 1e-3,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    eps: o.eps ?? 1e-8,
    weightDecay: o.weightDecay ?? 0.01,
    groups: o.groups ?? [],
    noDecay: o.noDecay === undefined ? DEFAULT_NO_DECAY : o.noDecay,
  };
  checkLr('lr', r.lr);
  for (const b of ['beta1', 'beta2'] as const) {
    const v = r[b];
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) fail(b, 'a number in [0, 1)', v);
  }
  if (typeof r.eps !== 'number' || !Number.isFinite(r.eps) || !(r.eps > 0)) fail('eps', 'a finite number > 0', r.eps);
  if (typeof r.weightDecay !== 'number' || !Number.isFinite(r.weightDecay) || r.weightDecay < 0) fail('weightDecay', 'a finite number >= 0', r.weightDecay);
  if (r.noDecay !== null && !(r.noDecay instanceof RegExp)) fail('noDecay', 'a RegExp or null', r.noDecay);
  if (!Array.isArray(r.groups)) fail('groups', 'an array of {match, lr?, weightDecay?}', r.groups);
  r.groups.forEach((g, i) => {
    if (g == null || !(g.match instanceof RegExp || typeof g.match === 'function')) fail(`groups[${i}].match`, 'a RegExp or a function of the variable name', g?.match);
    if (g.lr !== undefined) checkLr(`groups[${i}].lr`, g.lr);
    if (g.weightDecay !== undefined && (typeof g.weightDecay !== 'number' || !Number.isFinite(g.weightDecay) || g.weightDecay < 0)) {
      fail(`groups[${i}].weightDecay`, 'a finite number >= 0', g.weightDecay);
    }
  });
  return r;
}

export function matches(match: RegExp | ((n: string) => boolean), name: string): boolean {
  if (typeof match === 'function') return match(name) === true;
  match.lastIndex = 0; // a /g or /y RegExp keeps state between test() calls
  return match.test(name);
}

/** The learning rate for update t (1-based), validated so a bad schedule fails loudly. */
export function lrAt(lr: number | LrSchedule, t: number, name: string): number {
  const v = typeof lr === 'function' ? lr(t) : lr;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`${OP}: learning rate schedule for variable '${name}' returned ${String(v)} at step ${t}; expected a finite number >= 0`);
  }
  return v;
}
