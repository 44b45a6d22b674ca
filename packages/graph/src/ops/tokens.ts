import type { Rng } from '@statespace/ssm-core';
import type { CsrGraph } from '../data/graph';
import { randomWalk } from './randomWalk';

export interface TokenOptions {
  /** Largest walk length m (tokens for m̂ = 1..m, plus the node token m̂ = 0). */
  maxWalkLength: number;
  /** Walks sampled per token (M). */
  walksPerToken: number;
  /** Tokens per walk length (s). */
  repeats: number;
}

/** A token: the node set of the subgraph induced by M random walks of length `hop` from `node`. */
export interface NeighbourhoodToken {
  hop: number;
  nodes: Int32Array;
}

/**
 * GMN tokenization (ALGORITHMS §6.1 steps 1 and 3) for one node: s tokens for each walk length 1..m, then
 * ordered from the largest hop to the smallest, ties shuffled (seeded), and the node token (m̂ = 0) last.
 */
export function nodeTokens(g: CsrGraph, node: number, o: TokenOptions, rng: Rng): NeighbourhoodToken[] {
  const tokens: NeighbourhoodToken[] = [];
  for (let hop = 1; hop <= o.maxWalkLength; hop++) {
    for (let r = 0; r < o.repeats; r++) {
      const set = new Set<number>();
      for (let w = 0; w < o.walksPerToken; w++) for (const v of randomWalk(g, node, hop, rng)) set.add(v);
      tokens.push({ hop, nodes: Int32Array.from(set).sort() });
    }
  }
  return [...orderTokens(tokens, rng), { hop: 0, nodes: Int32Array.of(node) }];
}

/** Largest hop first; tokens of equal hop in a seeded random order (Fisher-Yates within each hop). */
export function orderTokens(tokens: NeighbourhoodToken[], rng: Rng): NeighbourhoodToken[] {
  const byHop = new Map<number, NeighbourhoodToken[]>();
  for (const t of tokens) byHop.set(t.hop, [...(byHop.get(t.hop) ?? []), t]);
  const out: NeighbourhoodToken[] = [];
  for (const hop of Array.from(byHop.keys()).sort((a, b) => b - a)) {
    const group = byHop.get(hop) as NeighbourhoodToken[];
    for (let i = group.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [group[i], group[j]] = [group[j], group[i]];
    }
    out.push(...group);
  }
  return out;
}

/**
 * Flat token tables for a whole graph, as the GMN model consumes them: token t of node v has id v·T + t;
 * entry k says node `tokenNodes[k]` belongs to token `tokenIds[k]` with pooling weight `tokenWeights[k]` (1/|token|).
 */
export interface TokenTables {
  tokensPerNode: number;
  tokenNodes: Int32Array;
  tokenIds: Int32Array;
  tokenWeights: Float32Array;
}

export function tokensPerNode(o: TokenOptions): number {
  return o.maxWalkLength * o.repeats + 1;
}

export function buildTokenTables(g: CsrGraph, o: TokenOptions, rng: Rng): TokenTables {
  const T = tokensPerNode(o);
  const nodes: number[] = [];
  const ids: number[] = [];
  const weights: number[] = [];
  for (let v = 0; v < g.numNodes; v++) {
    nodeTokens(g, v, o, rng).forEach((tok, t) => {
      for (const u of tok.nodes) {
        nodes.push(u);
        ids.push(v * T + t);
        weights.push(1 / tok.nodes.length);
      }
    });
  }
  return { tokensPerNode: T, tokenNodes: Int32Array.from(nodes), tokenIds: Int32Array.from(ids), tokenWeights: Float32Array.from(weights) };
}
