import * as tf from '@tensorflow/tfjs-core';
import { lrAt, matches, resolveOptions, type AdamWOptions, type ParamGroup, type ResolvedOptions } from './adamwOptions';

export { ssmParameterGroup, SSM_PARAM_PATTERN, DEFAULT_NO_DECAY } from './adamwOptions';
export type { AdamWOptions, ParamGroup } from './adamwOptions';

/** tfjs-core's NamedTensor (not re-exported from the package root). */
type NamedTensor = { name: string; tensor: tf.Tensor };

interface SlotState {
  m: tf.Variable;
  v: tf.Variable;
  /** Updates applied to this variable (bias correction and schedules use t = step + 1). */
  step: number;
  lr: number | ((t: number) => number);
  weightDecay: number;
}

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization"),
 * in the PyTorch form: for update t of a variable,
 *   p ← p − lr_t·wd·p;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   p ← p − lr_t·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + eps).
 * The decay does not pass through m and v (unlike L2 added to the gradient). Per-variable settings
 * come from the first matching parameter group; `noDecay` names get weightDecay 0. State is kept per
 * variable name, so variables may come and go between calls; `t` counts each variable's own updates.
 * Works with `model.compile({optimizer: new AdamW(...)})` and `optimizer.minimize(f)`.
 */
export class AdamW extends tf.Optimizer {
  static get className(): string {
    return 'AdamW';
  }
  private readonly opts: ResolvedOptions;
  private readonly slots = new Map<string, SlotState>();
  /** Step-count scalars handed out by getWeights(); freed at the next getWeights() or dispose(). */
  private stepTensors: tf.Tensor[] = [];

  constructor(options: AdamWOptions = {}) {
    super();
    this.opts = resolveOptions(options);
  }

  /** The learning rate and weight decay that apply to a variable name. */
  settingsFor(name: string): { lr: number | ((t: number) => number); weightDecay: number; group: number } {
    const o = this.opts;
    const gi = o.groups.findIndex((g) => matches(g.match, name));
    const g: ParamGroup | undefined = o.groups[gi];
    const noDecay = o.noDecay !== null && matches(o.noDecay, name);
    return { lr: g?.lr ?? o.lr, weightDecay: noDecay ? 0 : (g?.weightDecay ?? o.weightDecay), group: gi };
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: Array<[string, tf.Tensor | undefined]> = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.keys(variableGradients).map((n) => [n, variableGradients[n]]);
    const { beta1, beta2, eps } = this.opts;
    for (const [name, grad] of pairs) {
      if (grad == null) continue;
      const value = tf.engine().registeredVariables[name];
      if (value == null) throw new Error(`AdamW: gradient for '${name}', which is not a registered tf.Variable`);
      const s = this.slot(name, value);
      const t = s.step + 1;
      const lr = lrAt(s.lr, t, name);
      tf.tidy(() => {
        const m = tf.add(tf.mul(s.m, beta1), tf.mul(grad, 1 - beta1));
        const v = tf.add(tf.mul(s.v, beta2), tf.mul(tf.square(grad), 1 - beta2));
        // Bias corrections in float64 on the host: exact, and no per-step scalar variables.
        const denom = tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(beta2, t))), eps);
        const decayed = s.weightDecay > 0 ? tf.mul(value, 1 - lr * s.weightDecay) : value;
        const next = tf.sub(decayed, tf.mul(tf.div(m, denom), lr / (1 - Math.pow(beta1, t))));
        s.m.assign(m);
        s.v.assign(v);
        value.assign(next);
      });
      s.step = t;
    }
    this.incrementIterations();
  }

  private slot(name: string, value: tf.Variable): SlotState {
    let s = this.slots.get(name);
    if (s == null) {
      const { lr, weightDecay } = this.settingsFor(name);
      s = {
        m: tf.tidy(() => tf.zerosLike(value).variable(false)),
        v: tf.tidy(() => tf.zerosLike(value).variable(false)),
        step: 0,
        lr,
        weightDecay,
      };
      this.slots.set(name, s);
    }
    return s;
  }

  override dispose(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
    tf.dispose(this.stepTensors);
    this.stepTensors = [];
  }

  /**
   * [iterations, then per variable: `<name>/m`, `<name>/v`, `<name>/t` (its update count)]. The
   * tensors belong to the optimizer (valid until the next getWeights() or dispose()); clone to keep.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    tf.dispose(this.stepTensors);
    const iter = await this.saveIterations();
    this.stepTensors = [iter.tensor];
    const out: NamedTensor[] = [iter];
    for (const [name, s] of this.slots) {
      const t = tf.scalar(s.step);
      this.stepTensors.push(t);
      out.push({ name: `${name}/m`, tensor: s.m }, { name: `${name}/v`, tensor: s.v }, { name: `${name}/t`, tensor: t });
    }
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const byName = new Map(rest.map((w) => [w.name, w.tensor]));
    const bases = rest.filter((w) => w.name.endsWith('/m')).map((w) => w.name.slice(0, -2));
    this.dispose();
    for (const name of bases) {
      const m = byName.get(`${name}/m`);
      const v = byName.get(`${name}/v`);
      const t = byName.get(`${name}/t`);
      if (m == null || v == null || t == null) throw new Error(`AdamW.setWeights: state of '${name}' needs '${name}/m', '${name}/v' and '${name}/t'`);
      const { lr, weightDecay } = this.settingsFor(name);
      this.slots.set(name, { m: m.variable(false), v: v.variable(false), step: (await t.data())[0], lr, weightDecay });
    }
  }

  /** Serializable only when every learning rate is a number and every group matches by RegExp. */
  getConfig(): tf.serialization.ConfigDict {
    const o = this.opts;
    const lrOf = (lr: unknown, where: string): number => {
      if (typeof lr !== 'number') throw new Error(`AdamW.getConfig: ${where} is a schedule function, which cannot be serialized; save without the optimizer`);
      return lr;
    };
    // tfjs-layers snake/camel-cases every string value of a saved optimizer config ('ssm_' → 'ssm'),
    // so a pattern is stored as its UTF-16 code units; flags are lowercase letters, which survive.
    const re = (r: RegExp) => ({ sourceCodes: Array.from(r.source, (ch) => ch.charCodeAt(0)), flags: r.flags });
    return {
      lr: lrOf(o.lr, 'lr'),
      beta1: o.beta1,
      beta2: o.beta2,
      eps: o.eps,
      weightDecay: o.weightDecay,
      noDecay: o.noDecay === null ? null : re(o.noDecay),
      groups: o.groups.map((g, i) => {
        if (!(g.match instanceof RegExp)) throw new Error(`AdamW.getConfig: groups[${i}].match is a function, which cannot be serialized; use a RegExp`);
        const out: tf.serialization.ConfigDict = { match: re(g.match) };
        if (g.lr !== undefined) out.lr = lrOf(g.lr, `groups[${i}].lr`);
        if (g.weightDecay !== undefined) out.weightDecay = g.weightDecay;
        return out;
      }),
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    type Re = { sourceCodes: number[]; flags: string };
    const re = (r: Re) => new RegExp(String.fromCharCode(...r.sourceCodes), r.flags);
    const c = config as unknown as { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; noDecay: Re | null;
      groups: Array<{ match: Re; lr?: number; weightDecay?: number }> };
    const options: AdamWOptions = {
      lr: c.lr, beta1: c.beta1, beta2: c.beta2, eps: c.eps, weightDecay: c.weightDecay,
      noDecay: c.noDecay == null ? null : re(c.noDecay),
      groups: (c.groups ?? []).map((g) => ({ match: re(g.match), lr: g.lr ?? undefined, weightDecay: g.weightDecay ?? undefined })),
    };
    return new (cls as unknown as new (o: AdamWOptions) => T)(options);
  }
}
tf.serialization.registerClass(AdamW, 'statespace');
