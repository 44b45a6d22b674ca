export { randomWalk } from './randomWalk';
export { nodeTokens, orderTokens, buildTokenTables, tokensPerNode } from './tokens';
export type { TokenOptions, NeighbourhoodToken, TokenTables } from './tokens';
export { degreeOrder, inversePermutation } from './ordering';
export { gcnNormEdges } from './gcnNorm';
export type { WeightedEdges } from './gcnNorm';
export { propagate, gatedAggregate, weightedPool } from './messagePassing';
export { rwse, lapPE } from './encodings';
export { jacobiEigen } from './symEig';
