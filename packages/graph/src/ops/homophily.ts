import { neighbours, type CsrGraph } from '../data/graph';

/**
 * Edge homophily measured on the training labels only: among edges whose two ends are both training nodes, the
 * fraction joining nodes of the same class. Returns null when fewer than `minEdges` such edges exist (too few to
 * judge). Only training labels are read, so choosing a model option from it does not peek at validation or test.
 */
export function trainEdgeHomophily(g: CsrGraph, labels: ArrayLike<number>, train: ArrayLike<number>, minEdges = 10): number | null {
  const inTrain = new Uint8Array(g.numNodes);
  for (let i = 0; i < train.length; i++) inTrain[train[i]] = 1;
  let same = 0;
  let all = 0;
  for (let i = 0; i < train.length; i++) {
    const u = train[i];
    for (const v of neighbours(g, u)) {
      if (v === u || !inTrain[v]) continue;
      all++;
      if (labels[u] === labels[v]) same++;
    }
  }
  return all >= minEdges ? same / all : null;
}

/**
 * Output propagation hops chosen from the training-label homophily: APPNP's K = 10 (with the config's teleport
 * α = 0.1) on homophilous graphs (≥ 0.5), else 0 (on heterophilic graphs smoothing over neighbours mixes classes).
 */
export function autoOutputHops(g: CsrGraph, labels: ArrayLike<number>, train: ArrayLike<number>): number {
  const h = trainEdgeHomophily(g, labels, train);
  return h != null && h >= 0.5 ? 10 : 0;
}
