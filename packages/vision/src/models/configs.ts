import { BLOCK_VARIANTS, type BlockVariant } from './vssBlock';

export const TOKEN_MIXERS = ['ss2d', 'hydra', 'mambamixer'] as const;
export type TokenMixer = (typeof TOKEN_MIXERS)[number];

export interface VisionModelConfig {
  variant: BlockVariant;
  inputSize: number; // square input H = W
  inChannels: number;
  numClasses: number;
  patchSize: number; // stem stride
  stem: 'patch' | 'conv'; // patch: one patchSize×patchSize conv (VMamba); conv: 3×3 stride-2 convs (overlapping, better on small images)
  dims: number[]; // width per stage
  depths: number[]; // blocks per stage
  dState: number;
  ssmRatio: number;
  mlpRatio: number;
  dropPath: number; // stochastic depth of the last block (linear from 0)
  atrousStride: number;
  tokenMixer: TokenMixer; // 'ss2d' (the variant's 2-D scan) or an ssm-core mixer over the flattened tokens
  seed: number;
}

// 28-px recipe (issue #6 item 7): two stages at 8×8 and 4×4 tokens, widths 40 → 80, one block then two
// — sized for throughput on a 2-core CPU. SSM ratio 1 and MLP ratio 4: the scan and its token permutations are the costly part here and the MLP's matmuls are cheap,
// so this trains as fast as [32, 64] with ssm ratio 2 / MLP 2 and learns more per image (probes in docs/vision.md).
const MICRO_SIZE = { dims: [40, 80], depths: [1, 2] };
const MICRO_28 = { inputSize: 32, inChannels: 1, numClasses: 10, patchSize: 4, stem: 'conv' as const, dState: 1, ssmRatio: 1, mlpRatio: 4, dropPath: 0.05, atrousStride: 2, tokenMixer: 'ss2d' as const, seed: 0 };

/**
 * Named configurations. The Fashion-MNIST ones (micro and the three variants; 28-px images zero-padded to 32, so both stages have even sizes 8×8 and 4×4 for the atrous and multi-scale scans) are sized to train on a
 * 2-core CPU and to have about equal parameter counts, for comparing the scans; vmamba-tiny is
 * VMamba-T (dim 96, depths [2, 2, 5, 2], N = 1, ssm ratio 2, 224 px, ImageNet head).
 */
export const MODEL_CONFIGS: Record<string, VisionModelConfig> = {
  'vmamba-micro': { ...MICRO_28, variant: 'vmamba', ...MICRO_SIZE },
  'vmamba-nano': { ...MICRO_28, variant: 'vmamba', inputSize: 64, inChannels: 3, stem: 'patch', dims: [48, 96, 192], depths: [1, 2, 2], ssmRatio: 2, mlpRatio: 4, dropPath: 0.1 },
  'vmamba-tiny': { ...MICRO_28, variant: 'vmamba', inputSize: 224, inChannels: 3, numClasses: 1000, stem: 'patch', dims: [96, 192, 384, 768], depths: [2, 2, 5, 2], ssmRatio: 2, mlpRatio: 4, dropPath: 0.2 },
  efficientvmamba: { ...MICRO_28, variant: 'efficient', ...MICRO_SIZE },
  groupmamba: { ...MICRO_28, variant: 'group', ...MICRO_SIZE },
  msvmamba: { ...MICRO_28, variant: 'multiscale', ...MICRO_SIZE },
};
export const MODEL_NAMES = Object.keys(MODEL_CONFIGS);

/**
 * Peak AdamW learning rate of a model's training recipe (the CLI's default --lr): 4e-3 for the small
 * 28-px Fashion-MNIST models (short-budget probes: 68 % vs 58 % after 5,000 images at 2e-3), 2e-3 for the rest.
 */
export function recipeLr(name: string): number {
  const c = MODEL_CONFIGS[name];
  return c != null && c.inputSize <= 32 ? 4e-3 : 2e-3;
}

function bad(key: string, expected: string, v: unknown): never {
  throw new Error(`vision model config: '${key}' must be ${expected}, received ${JSON.stringify(v)}`);
}

/** The named config with overrides applied, validated (errors name the key, the expectation and the value). */
export function resolveModelConfig(name: string, overrides: Partial<VisionModelConfig> = {}): VisionModelConfig {
  const base = MODEL_CONFIGS[name];
  if (base == null) throw new Error(`unknown vision model '${name}'; known: ${MODEL_NAMES.join(', ')}`);
  for (const k of Object.keys(overrides)) if (!(k in base)) bad(k, `a known key (${Object.keys(base).join(', ')})`, overrides[k as keyof VisionModelConfig]);
  const c = { ...base, ...overrides } as VisionModelConfig;
  const posInt = (k: keyof VisionModelConfig) => { const v = c[k]; if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) bad(k, 'an integer >= 1', v); };
  (['inputSize', 'inChannels', 'numClasses', 'patchSize', 'dState', 'atrousStride'] as const).forEach(posInt);
  if (!BLOCK_VARIANTS.includes(c.variant)) bad('variant', `one of ${BLOCK_VARIANTS.join(', ')}`, c.variant);
  if (c.stem !== 'patch' && c.stem !== 'conv') bad('stem', "'patch' or 'conv'", c.stem);
  if (c.stem === 'conv' && ![2, 4].includes(c.patchSize)) bad('patchSize', "2 or 4 with stem 'conv'", c.patchSize);
  if (!TOKEN_MIXERS.includes(c.tokenMixer)) bad('tokenMixer', `one of ${TOKEN_MIXERS.join(', ')}`, c.tokenMixer);
  const intList = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((d) => Number.isInteger(d) && d >= 1);
  if (!intList(c.dims)) bad('dims', 'a non-empty list of integers >= 1', c.dims);
  if (!intList(c.depths) || c.depths.length !== c.dims.length) bad('depths', `a list of ${c.dims.length} integers >= 1 (one per stage)`, c.depths);
  if (!(c.ssmRatio > 0)) bad('ssmRatio', 'a number > 0', c.ssmRatio);
  if (!(c.mlpRatio >= 0)) bad('mlpRatio', 'a number >= 0', c.mlpRatio);
  if (!(c.dropPath >= 0 && c.dropPath < 1)) bad('dropPath', 'a number in [0, 1)', c.dropPath);
  if (!Number.isInteger(c.seed)) bad('seed', 'an integer', c.seed);
  if (c.inputSize < c.patchSize) bad('inputSize', `>= patchSize (${c.patchSize})`, c.inputSize);
  return c;
}
