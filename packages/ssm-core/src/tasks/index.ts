export { selectiveCopying, selectiveCopyingTokens } from './selectiveCopying';
export type { SelectiveCopyingOptions } from './selectiveCopying';
export { inductionHeads, inductionHeadsTokens } from './inductionHeads';
export type { InductionHeadsOptions } from './inductionHeads';
export { IGNORE } from './common';
export type { TaskBatch } from './common';
