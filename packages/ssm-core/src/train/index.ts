export { AdamW, ssmParameterGroup, SSM_PARAM_PATTERN, DEFAULT_NO_DECAY } from './adamw';
export type { AdamWOptions, ParamGroup } from './adamw';
export { warmupCosine } from './schedule';
export type { LrSchedule, WarmupCosineOptions } from './schedule';
export { clipByGlobalNorm } from './clip';
export { mulberry32, setSeed, getGlobalRng, uniform, normal } from './seed';
export type { Rng } from './seed';
export { SeededInitializer, seededInitializer } from './seededInitializer';
export type { SeededInitializerArgs } from './seededInitializer';
