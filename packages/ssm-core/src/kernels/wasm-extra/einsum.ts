import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Einsum for the wasm backend: the cpu backend's algorithm (tfjs backend_util's einsum path:
 * transpose/reshape each operand to the full index space, multiply, sum out contracted axes),
 * run with the wasm backend's own Transpose/Reshape/Multiply/Sum kernels. This keeps the data
 * on the wasm heap (no copy to the cpu backend) and uses wasm's vectorised elementwise kernels.
 * Like tfjs, it broadcasts to the full index space (memory ∝ product of all dims of one step).
 * One fix over tfjs (tensorflow/tfjs#8227): with two operands, tfjs returns wrong shapes/values
 * when a label is summed that occurs in one operand only (e.g. 'ij,jk->k', 'ij,k->ik'); we sum
 * such labels out of that operand first, which leaves an equation tfjs's path handles.
 */
/** A kernel of the active backend (the one running this Einsum; this config also suits cpu). */
function backendKernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, tf.getBackend());
  if (k == null) throw new Error(`Einsum: needs the ${tf.getBackend()} kernel '${name}', which is not registered`);
  return k.kernelFunc;
}

const call = (name: string, backend: KernelBackend, inputs: object, attrs: object = {}): TensorInfo =>
  backendKernel(name)({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;

/**
 * Sums labels that occur in only one of two operands (and not in the output) out of that operand.
 * Returns the rewritten equation and operands; new intermediates are pushed onto `temps`.
 */
interface Presummed { equation: string; tensors: TensorInfo[]; result?: TensorInfo }

function presum(equation: string, tensors: TensorInfo[], backend: KernelBackend, temps: TensorInfo[]): Presummed {
  const [lhs, out] = equation.replace(/\s/g, '').split('->');
  const terms = lhs.split(',');
  if (terms.length !== 2 || tensors.length !== 2 || out === undefined) return { equation, tensors };
  const newTerms = terms.slice();
  const newTensors = tensors.slice();
  for (let i = 0; i < 2; i++) {
    const other = terms[1 - i];
    const axes = [...terms[i]].map((c, ax) => (out.includes(c) || other.includes(c) ? -1 : ax)).filter((ax) => ax >= 0);
    if (axes.length === 0) continue;
    newTensors[i] = call('Sum', backend, { x: tensors[i] }, { axis: axes, keepDims: false });
    temps.push(newTensors[i]);
    newTerms[i] = [...terms[i]].filter((_, ax) => !axes.includes(ax)).join('');
  }
  if (newTerms.some((t) => t === '')) {
    // A fully summed operand became a scalar: fold it in as a factor of the other.
    const s = newTerms[0] === '' ? 0 : 1;
    if (newTerms[1 - s] === '') {
      return { equation, tensors, result: call('Multiply', backend, { a: newTensors[0], b: newTensors[1] }) };
    }
    const prod = call('Multiply', backend, { a: newTensors[1 - s], b: newTensors[s] });
    temps.push(prod);
    return { equation: `${newTerms[1 - s]}->${out}`, tensors: [prod] };
  }
  return { equation: `${newTerms[0]},${newTerms[1]}->${out}`, tensors: newTensors };
}

export const einsumWasm: KernelConfig = {
  kernelName: tf.Einsum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: be, attrs }) => {
    const backend = be as KernelBackend;
    const temps: TensorInfo[] = [];
    const pre = presum((attrs as unknown as tf.EinsumAttrs).equation, inputs as unknown as TensorInfo[], backend, temps);
    if (pre.result) {
      for (const t of temps) backend.disposeData(t.dataId);
      return pre.result;
    }
    const { equation, tensors } = pre;
    const bu = tf.backend_util;
    const { allDims, summedDims, idDims } = bu.decodeEinsumEquation(equation, tensors.length);
    bu.checkEinsumDimSizes(allDims.length, idDims, tensors as unknown as tf.Tensor[]);
    const { path, steps } = bu.getEinsumComputePath(summedDims, idDims);
    let out: TensorInfo | null = null;
    let remaining = allDims.length;
    for (let i = 0; i < steps.length; i++) {
      for (const term of steps[i]) {
        const { permutationIndices: perm, expandDims } = bu.getEinsumPermutation(remaining, idDims[term]);
        let x = tensors[term];
        if (!bu.isIdentityPermutation(perm)) {
          x = call('Transpose', backend, { x }, { perm });
          temps.push(x);
        }
        const target = x.shape.slice();
        for (const d of expandDims) target.splice(d, 0, 1);
        if (!tf.util.arraysEqual(x.shape, target)) {
          x = call('Reshape', backend, { x }, { shape: target });
          temps.push(x);
        }
        if (out === null) {
          out = x;
        } else {
          out = call('Multiply', backend, { a: x, b: out });
          temps.push(out);
        }
      }
      if (i < steps.length - 1) {
        if (path[i] >= 0) {
          out = call('Sum', backend, { x: out }, { axis: path[i] - (allDims.length - remaining), keepDims: false });
          temps.push(out);
        }
        remaining--;
      }
    }
    if (out === null) throw new Error(`Einsum (wasm): equation '${equation}' has no operands`);
    // An output that is an input (e.g. 'ij->ij') must be a new handle: share its data (Reshape).
    const result = temps.includes(out) ? out : call('Reshape', backend, { x: out }, { shape: out.shape });
    for (const t of temps) if (t !== result) backend.disposeData(t.dataId);
    return result;
  },
};
