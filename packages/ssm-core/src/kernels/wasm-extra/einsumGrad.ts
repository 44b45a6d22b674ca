import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/**
 * Gradient of Einsum (tfjs registers none, on any backend). For operand i with labels A_i:
 *   dA_i = Σ_{labels not in A_i} dy · (other operand),
 * i.e. einsum('C,A_j->K', dy, A_j) with K = the labels of A_i that occur in C or A_j; labels that
 * occur only in A_i (summed out within it) get dy broadcast along them. tfjs's einsum allows at
 * most two operands and no repeated label within a term, so these are all the cases.
 */
function parse(equation: string, n: number): { terms: string[]; out: string } {
  const [lhs, out] = equation.replace(/\s/g, '').split('->');
  const terms = lhs.split(',');
  if (terms.length !== n) throw new Error(`Einsum gradient: equation '${equation}' has ${terms.length} operands, received ${n}`);
  return { terms, out };
}

/** Sums `t` (labels `from`) over labels not in `to`, then orders its axes as `to`. */
function reduceTo(t: Tensor, from: string, to: string): Tensor {
  const axes = [...from].map((c, i) => (to.includes(c) ? -1 : i)).filter((i) => i >= 0);
  const kept = [...from].filter((c) => to.includes(c)).join('');
  const r = axes.length > 0 ? tf.sum(t, axes) : t;
  const perm = [...to].map((c) => kept.indexOf(c));
  return perm.every((p, i) => p === i) ? r : tf.transpose(r, perm);
}

function operandGrad(dy: Tensor, out: string, term: string, shape: number[], other?: { t: Tensor; term: string }): Tensor {
  const keep = [...term].filter((c) => out.includes(c) || (other?.term.includes(c) ?? false)).join('');
  let g: Tensor;
  if (other == null) {
    g = reduceTo(dy, out, keep);
  } else {
    // Sum the other operand's own-only labels first: tf.einsum mishandles labels summed from one
    // operand only (tensorflow/tfjs#8227), and afterwards every summed label occurs in both.
    const oKeep = [...other.term].filter((c) => out.includes(c) || term.includes(c)).join('');
    const o = reduceTo(other.t, other.term, oKeep);
    if (out === '') g = tf.mul(dy, reduceTo(o, oKeep, keep));
    else if (oKeep === '') g = tf.mul(o, reduceTo(dy, out, keep));
    else g = tf.einsum(`${out},${oKeep}->${keep}`, dy, o);
  }
  if (keep.length === term.length) return g;
  const expanded = [...term].map((c, i) => (keep.includes(c) ? shape[i] : 1));
  return tf.broadcastTo(tf.reshape(g, expanded), shape);
}

export const einsumGradConfig: GradConfig = {
  kernelName: tf.Einsum,
  saveAllInputs: true,
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const { terms, out } = parse((attrs as unknown as tf.EinsumAttrs).equation, saved.length);
    const d = dy as Tensor;
    const grads: { [k: string]: () => Tensor } = {};
    saved.forEach((t, i) => {
      const j = 1 - i;
      const other = saved.length === 2 ? { t: saved[j], term: terms[j] } : undefined;
      grads[i] = () => operandGrad(d, out, terms[i], t.shape, other);
    });
    return grads;
  },
};
