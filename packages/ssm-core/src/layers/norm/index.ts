export { RMSNorm, rmsNorm } from './rmsNorm';
export type { RMSNormArgs } from './rmsNorm';
export { RMSNormGated, rmsNormGated } from './rmsNormGated';
export type { RMSNormGatedArgs } from './rmsNormGated';
export { DropPath, dropPath } from './dropPath';
export type { DropPathArgs } from './dropPath';
