export type GraphModelKind = 'gcn' | 'gmn' | 'graph-mamba';
export type GraphTask = 'node' | 'graph';
export const MODEL_KINDS: readonly GraphModelKind[] = ['gcn', 'gmn', 'graph-mamba'];

export interface GraphModelConfig {
  model: GraphModelKind;
  task: GraphTask;
  numFeatures: number;
  numClasses: number;
  hidden: number;
  /** Message-passing (+ Mamba) layers. */
  layers: number;
  dropout: number;
  /** Dropout on the input features (Planetoid's bag-of-words benefit from a high one). */
  inputDropout: number;
  seed: number;
  /** GMN tokenization: walk lengths 1..m, M walks per token, s tokens per length. */
  maxWalkLength: number;
  walksPerToken: number;
  repeats: number;
  /** GMN: second bidirectional Mamba over nodes in degree order. */
  nodeMamba: boolean;
  /** GMN: local MPNN branch added to the token embedding. */
  localMpnn: boolean;
  /** LapPE eigenvectors and RWSE steps appended to the node features (0 = off). */
  lapPE: number;
  rwse: number;
  /** Mamba state size. */
  dState: number;
  /** Mamba inner width d_inner = expand · hidden (1 halves the token Mamba's cost; Mamba's default is 2). */
  expand: number;
  /** Graph-Mamba: noisy degree orders averaged at evaluation. */
  evalPermutations: number;
  /** GMN: independent token samplings (random walks) whose predictions are averaged at evaluation. */
  evalTokenSamples: number;
  /** Node features as (row, col, value) triples instead of a dense matrix: sparse bag-of-words (Cora) train far
   *  faster, and input dropout drops stored entries only (as GCN's sparse dropout). */
  sparseInput: boolean;
  /** GMN / Graph-Mamba node task: 0 = dense logits; k >= 1 = the dense logits propagated k hops with personalized
   *  PageRank (APPNP: z ← (1 − α) Â z + α z0, α = `outputAlpha`). Homophilous graphs gain from it. */
  outputHops: number;
  /** Teleport probability α of the output propagation (0 = plain Â^k). */
  outputAlpha: number;
}

const BASE: Omit<GraphModelConfig, 'model' | 'task' | 'numFeatures' | 'numClasses'> = {
  hidden: 64, layers: 2, dropout: 0.5, inputDropout: 0.5, seed: 0, maxWalkLength: 2, walksPerToken: 2, repeats: 2,
  nodeMamba: false, localMpnn: true, lapPE: 0, rwse: 0, dState: 8, expand: 2, evalPermutations: 4, evalTokenSamples: 4, sparseInput: false,
  outputHops: 0, outputAlpha: 0.1,
};

/** Named sizes; 'micro' is for tests and the demo, 'tiny' for the benchmark (CPU-trainable). */
export const GRAPH_CONFIGS: Record<string, Partial<GraphModelConfig>> = {
  micro: { hidden: 16, layers: 1, dState: 4, maxWalkLength: 2, walksPerToken: 1, repeats: 1, evalPermutations: 2, evalTokenSamples: 2 },
  tiny: {},
};

type Required4 = Pick<GraphModelConfig, 'model' | 'task' | 'numFeatures' | 'numClasses'>;

export function resolveGraphConfig(name: string, fixed: Required4, overrides: Partial<GraphModelConfig> = {}): GraphModelConfig {
  const preset = GRAPH_CONFIGS[name];
  if (!preset) throw new Error(`graph model: unknown config '${name}', expected one of ${Object.keys(GRAPH_CONFIGS).join(', ')}`);
  const c: GraphModelConfig = { ...BASE, ...preset, ...overrides, ...fixed };
  if (!MODEL_KINDS.includes(c.model)) throw new Error(`graph model: 'model' must be one of ${MODEL_KINDS.join(', ')}, received '${c.model}'`);
  if (c.task !== 'node' && c.task !== 'graph') throw new Error(`graph model: 'task' must be 'node' or 'graph', received '${c.task}'`);
  for (const k of ['numFeatures', 'numClasses', 'hidden', 'layers', 'dState', 'expand', 'maxWalkLength', 'walksPerToken', 'repeats', 'evalPermutations', 'evalTokenSamples'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`graph model: '${k}' must be an integer >= 1, received ${String(c[k])}`);
  }
  for (const k of ['lapPE', 'rwse', 'outputHops'] as const) if (!Number.isInteger(c[k]) || c[k] < 0) throw new Error(`graph model: '${k}' must be an integer >= 0, received ${String(c[k])}`);
  for (const k of ['dropout', 'inputDropout', 'outputAlpha'] as const) if (!(c[k] >= 0 && c[k] < 1)) throw new Error(`graph model: '${k}' must be in [0, 1), received ${String(c[k])}`);
  return c;
}

/** Names of the model inputs, in order, for a config (the batch builder fills them). */
export function inputNames(c: GraphModelConfig): string[] {
  const names = c.sparseInput ? ['featRows', 'featCols', 'featVals', 'nodeSlots', 'src', 'dst', 'ew'] : ['x', 'src', 'dst', 'ew'];
  if (c.model === 'gmn') names.push('tokNodes', 'tokIds', 'tokW', 'tokSlots');
  if (c.model === 'graph-mamba' || (c.model === 'gmn' && c.nodeMamba)) names.push('order', 'inverse', 'segment');
  if (c.task === 'graph') names.push('poolNodes', 'poolIds', 'poolW', 'poolSlots');
  return names;
}

export const INT_INPUTS = new Set(['featRows', 'featCols', 'src', 'dst', 'tokNodes', 'tokIds', 'order', 'inverse', 'segment', 'poolNodes', 'poolIds']);

/** Forward passes averaged at evaluation: Graph-Mamba's noisy orders, GMN's token samplings, else 1. */
export function evalRepeats(c: GraphModelConfig): number {
  return c.model === 'graph-mamba' ? c.evalPermutations : c.model === 'gmn' ? c.evalTokenSamples : 1;
}
