export { Linear, linearLayer, geluTanh } from './linearLayer';
export type { LinearArgs, LinearActivation } from './linearLayer';
