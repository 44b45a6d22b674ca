export { shuffledIndices, batchIndices, stratifiedKFold } from './indices';
export { resolveDataDir, findRepoRoot } from './resolveDataDir';
