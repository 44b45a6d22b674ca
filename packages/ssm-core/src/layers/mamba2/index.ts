export { Mamba2, mamba2 } from './mamba2';
export type { Mamba2Args } from './mamba2';
export { Hydra, hydra, quasiseparable } from './hydra';
export type { HydraArgs, QuasiseparableArgs } from './hydra';
