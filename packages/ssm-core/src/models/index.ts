export { buildSequenceModel, generate, MIXER_KINDS, CAUSAL_MIXERS } from './sequenceModel';
export type { MixerKind, SequenceModelOptions } from './sequenceModel';
