import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { gatherRows, layerNormalize, linear, SeededInitializer } from '@statespace/ssm-core';
import { gatedAggregate, propagate } from '../ops/messagePassing';

/*
 * Graph layers for tfjs-layers functional models. Graph structure arrives as extra model inputs (int32 index
 * vectors, float edge weights) whose leading "batch" dimension is the number of nodes / edges / entries, so a
 * whole graph (or a disjoint union of graphs) is one forward pass.
 */

function asList(inputs: tf.Tensor | tf.Tensor[], n: number, layer: string): tf.Tensor[] {
  const xs = Array.isArray(inputs) ? inputs : [inputs];
  if (xs.length !== n) throw new Error(`${layer}: expected ${n} inputs, received ${xs.length}`);
  return xs;
}
/** Seeded Glorot-uniform weights, so models are reproducible from their config. */
function glorot(seed: number, fanIn: number, fanOut: number): SeededInitializer {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  return new SeededInitializer({ distribution: 'uniform', minval: -lim, maxval: lim, seed });
}
const shapeOf = (s: tfl.Shape | tfl.Shape[]): tfl.Shape => (Array.isArray(s[0]) ? (s[0] as tfl.Shape) : (s as tfl.Shape));

interface UnitsArgs extends LayerArgs { units: number; seed?: number }
interface ConvArgs extends UnitsArgs { project?: boolean }

/** GCN convolution (Kipf & Welling): inputs [h (N, F), src (E), dst (E), weight (E)] → Â (h W) + b. */
export class GraphConv extends tfl.layers.Layer {
  static className = 'GraphConv';
  readonly units: number;
  readonly seed: number;
  /** false: the input is already projected (sparse input layer); only Â h + b is applied. */
  readonly project: boolean;
  private kernel?: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;
  constructor(args: ConvArgs) {
    super(args);
    this.units = args.units;
    this.seed = args.seed ?? 0;
    this.project = args.project ?? true;
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const f = shapeOf(inputShape)[1] as number;
    if (this.project) this.kernel = this.addWeight('kernel', [f, this.units], 'float32', glorot(this.seed, f, this.units));
    this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [h, src, dst, w] = asList(inputs, 4, 'GraphConv');
    return tf.tidy(() => {
      const hw = this.kernel ? (linear(h, this.kernel.read()) as tf.Tensor2D) : (h as tf.Tensor2D);
      return tf.add(propagate(hw, src as tf.Tensor1D, dst as tf.Tensor1D, w as tf.Tensor1D, h.shape[0]), this.bias.read());
    });
  }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return [shapeOf(s)[0], this.units];
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed, project: this.project };
  }
}
tf.serialization.registerClass(GraphConv);

/** Residual GatedGCN layer: inputs [h (N, d), src, dst] → h + ReLU(LayerNorm(Ah + Σ η ⊙ Bh)). */
export class GraphGatedGCN extends tfl.layers.Layer {
  static className = 'GraphGatedGCN';
  readonly seed: number;
  private w: tfl.LayerVariable[] = [];
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;
  constructor(args: LayerArgs & { seed?: number }) {
    super(args);
    this.seed = args.seed ?? 0;
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const d = shapeOf(inputShape)[1] as number;
    this.w = ['A', 'B', 'D', 'E'].map((n, i) => this.addWeight(n, [d, d], 'float32', glorot(this.seed * 16 + i, d, d)));
    this.gamma = this.addWeight('gamma', [d], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [d], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [h, src, dst] = asList(inputs, 3, 'GraphGatedGCN');
    return tf.tidy(() => {
      const [ah, bh, dh, eh] = this.w.map((w) => linear(h, w.read()));
      const agg = gatedAggregate(ah as tf.Tensor2D, bh as tf.Tensor2D, dh as tf.Tensor2D, eh as tf.Tensor2D, src as tf.Tensor1D, dst as tf.Tensor1D, h.shape[0]);
      return tf.add(h, tf.relu(layerNormalize(agg, this.gamma.read(), this.beta.read(), 1e-5)));
    });
  }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return shapeOf(s);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}
tf.serialization.registerClass(GraphGatedGCN);

/**
 * Weighted segment pooling: inputs [h (N, d), nodes (K), ids (K), weights (K), slots (S)] → (S, d) with
 * out[s] = Σ_{k: ids[k] = s} weights[k] · h[nodes[k]]. `slots` only carries S (its length) into the graph.
 * With `groups` > 0 the output is reshaped to (S / groups, groups, d): GMN's per-node token sequences.
 */
export class GraphSegmentPool extends tfl.layers.Layer {
  static className = 'GraphSegmentPool';
  readonly groups: number;
  constructor(args: LayerArgs & { groups?: number }) {
    super(args);
    this.groups = args.groups ?? 0;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [h, nodes, ids, w, slots] = asList(inputs, 5, 'GraphSegmentPool');
    return tf.tidy(() => {
      const pooled = propagate(h as tf.Tensor2D, nodes as tf.Tensor1D, ids as tf.Tensor1D, w as tf.Tensor1D, slots.shape[0]);
      return this.groups > 0 ? tf.reshape(pooled, [-1, this.groups, h.shape[1] as number]) : pooled;
    });
  }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const d = shapeOf(s)[1];
    return this.groups > 0 ? [null, this.groups, d] : [null, d];
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups };
  }
}
tf.serialization.registerClass(GraphSegmentPool);

/**
 * Node rows → one sequence and back. mode 'toSequence': inputs [h (N, d), order (N)] → (1, N, d) = h[order];
 * mode 'fromSequence': inputs [y (1, N, d), inverse (N)] → (N, d) = y[0][inverse]; mode 'segments':
 * inputs [ids (N), order (N)] → int32 (1, N) = ids[order] (segment ids for the sequence model).
 * (GMN's "last token" is BiMamba's outputMode 'last', which computes only that position.)
 */
export class GraphSequence extends tfl.layers.Layer {
  static className = 'GraphSequence';
  readonly mode: 'toSequence' | 'fromSequence' | 'segments';
  constructor(args: LayerArgs & { mode: GraphSequence['mode'] }) {
    super(args);
    this.mode = args.mode;
  }
  /**
   * tfjs-layers types every symbolic layer output float32 (topology's guessOutputDType), and the functional
   * executor casts each computed output to its symbolic dtype (FeedDict.add → assertFeedCompatibility), so int32
   * segment ids would reach BiMamba as float32. The 'segments' output is therefore declared int32 here; the executor
   * then keeps the ids int32. Runs again when a saved model is deserialized (fromConfig re-applies layers).
   */
  override apply(inputs: tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[], kwargs?: Kwargs): tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[] {
    const out = super.apply(inputs, kwargs);
    if (this.mode === 'segments' && out instanceof tfl.SymbolicTensor) (out as { dtype: tf.DataType }).dtype = 'int32';
    return out;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs?: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [a, idx] = asList(inputs, 2, 'GraphSequence');
      // Float rows go through the fused gather (its gradient is a fused scatter-add, not tfjs' segment sum).
      if (this.mode === 'toSequence') return tf.expandDims(gatherRows(a as tf.Tensor2D, idx as tf.Tensor1D), 0);
      if (this.mode === 'segments') return tf.expandDims(tf.gather(a, idx), 0);
      return gatherRows(tf.squeeze(a, [0]) as tf.Tensor2D, idx as tf.Tensor1D);
    });
  }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const first = shapeOf(s);
    if (this.mode === 'toSequence') return [1, first[0], first[1]];
    if (this.mode === 'segments') return [1, first[0]];
    return [null, first[2]];
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
tf.serialization.registerClass(GraphSequence);

/** Dense layer on node rows (N, F) → (N, units) using ssm-core's linear (fast gradient on wasm); optional ReLU. */
export class GraphDense extends tfl.layers.Layer {
  static className = 'GraphDense';
  readonly units: number;
  readonly seed: number;
  readonly relu: boolean;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;
  constructor(args: UnitsArgs & { relu?: boolean }) {
    super(args);
    this.units = args.units;
    this.seed = args.seed ?? 0;
    this.relu = args.relu ?? false;
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const f = shapeOf(inputShape)[1] as number;
    this.kernel = this.addWeight('kernel', [f, this.units], 'float32', glorot(this.seed, f, this.units));
    this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const h = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    return tf.tidy(() => {
      const y = tf.add(linear(h, this.kernel.read()), this.bias.read());
      return this.relu ? tf.relu(y) : y;
    });
  }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return [shapeOf(s)[0], this.units];
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed, relu: this.relu };
  }
}
tf.serialization.registerClass(GraphDense);

/**
 * Dense projection of sparse node features: inputs [rows (K), cols (K), values (K), slots (N)] →
 * (N, units) with out[r] = Σ_{k: rows[k] = r} values[k] · W[cols[k]] (+ b), via gather + segment sum.
 */
export class GraphSparseDense extends tfl.layers.Layer {
  static className = 'GraphSparseDense';
  readonly units: number;
  readonly inputDim: number;
  readonly seed: number;
  readonly relu: boolean;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;
  constructor(args: UnitsArgs & { inputDim: number; relu?: boolean }) {
    super(args);
    this.units = args.units;
    this.inputDim = args.inputDim;
    this.seed = args.seed ?? 0;
    this.relu = args.relu ?? false;
  }
  override build(): void {
    this.kernel = this.addWeight('kernel', [this.inputDim, this.units], 'float32', glorot(this.seed, this.inputDim, this.units));
    this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [rows, cols, vals, slots] = asList(inputs, 4, 'GraphSparseDense');
    return tf.tidy(() => {
      const y = tf.add(propagate(this.kernel.read() as tf.Tensor2D, cols as tf.Tensor1D, rows as tf.Tensor1D, vals as tf.Tensor1D, slots.shape[0]), this.bias.read());
      return this.relu ? tf.relu(y) : y;
    });
  }
  override computeOutputShape(): tfl.Shape {
    return [null, this.units];
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, inputDim: this.inputDim, seed: this.seed, relu: this.relu };
  }
}
tf.serialization.registerClass(GraphSparseDense);

