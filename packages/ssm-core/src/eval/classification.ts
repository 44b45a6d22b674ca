function checkLabels(op: string, name: string, ys: ArrayLike<number>, numClasses: number): void {
  if (ys == null || typeof ys.length !== 'number') throw new Error(`${op}: argument '${name}' must be an array of class indices, received ${String(ys)}`);
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new Error(`${op}: ${name}[${i}] must be an integer class index in [0, ${numClasses - 1}], received ${String(y)}`);
    }
  }
}

function checkNumClasses(op: string, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`${op}: argument 'numClasses' must be an integer >= 1, received ${String(numClasses)}`);
}

/** m[t][p] = number of samples of true class t predicted as p (rows: truth, columns: prediction). */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  const OP = 'confusionMatrix';
  checkNumClasses(OP, numClasses);
  checkLabels(OP, 'yTrue', yTrue, numClasses);
  checkLabels(OP, 'yPred', yPred, numClasses);
  if (yTrue.length !== yPred.length) throw new Error(`${OP}: 'yTrue' and 'yPred' must have the same length, received ${yTrue.length} and ${yPred.length}`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

export interface ClassReport {
  /** Fraction of all samples classified correctly. */
  accuracy: number;
  /** Mean over classes WITH support of the per-class accuracy (recall); "balanced accuracy". */
  meanClassAccuracy: number;
  perClass: { name: string; support: number; accuracy: number }[];
  confusion: number[][];
}

/** Overall and per-class accuracy (per-class accuracy = recall; NaN for a class with no samples). */
export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number,
  classNames?: readonly string[]): ClassReport {
  if (classNames !== undefined && classNames.length !== numClasses) {
    throw new Error(`classificationReport: argument 'classNames' must have numClasses=${numClasses} names, received ${classNames.length}`);
  }
  const confusion = confusionMatrix(yTrue, yPred, numClasses);
  const n = yTrue.length;
  let correct = 0;
  const perClass = confusion.map((row, c) => {
    const support = row.reduce((a, b) => a + b, 0);
    correct += row[c];
    return { name: classNames?.[c] ?? String(c), support, accuracy: support > 0 ? row[c] / support : NaN };
  });
  const present = perClass.filter((p) => p.support > 0);
  return {
    accuracy: n > 0 ? correct / n : NaN,
    meanClassAccuracy: present.length > 0 ? present.reduce((a, p) => a + p.accuracy, 0) / present.length : NaN,
    perClass,
    confusion,
  };
}

/** Index of the largest value in each row of `logits` (n × numClasses, row-major); the first on ties. */
export function argmaxRows(logits: ArrayLike<number>, numClasses: number): Int32Array {
  checkNumClasses('argmaxRows', numClasses);
  if (logits.length % numClasses !== 0) throw new Error(`argmaxRows: logits length ${logits.length} is not a multiple of numClasses=${numClasses}`);
  const n = logits.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (logits[i * numClasses + c] > logits[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Fraction of rows whose label is among the k largest logits. Ties rank the lower class index first
 * (as argmax does), so k=1 equals argmax accuracy.
 */
export function topKAccuracy(logits: ArrayLike<number>, numClasses: number, labels: ArrayLike<number>, k: number): number {
  const OP = 'topKAccuracy';
  checkNumClasses(OP, numClasses);
  if (!Number.isInteger(k) || k < 1) throw new Error(`${OP}: argument 'k' must be an integer >= 1, received ${String(k)}`);
  const n = labels.length;
  if (logits.length !== n * numClasses) {
    throw new Error(`${OP}: 'logits' must have labels.length × numClasses = ${n} × ${numClasses} = ${n * numClasses} values, received ${logits.length}`);
  }
  checkLabels(OP, 'labels', labels, numClasses);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    const v = logits[i * numClasses + y];
    if (Number.isNaN(v)) throw new Error(`${OP}: logits row ${i} has NaN at its label ${y}`);
    let rank = 0;
    for (let c = 0; c < numClasses; c++) {
      const u = logits[i * numClasses + c];
      if (u > v || (u === v && c < y)) rank++;
    }
    if (rank < k) hits++;
  }
  return n > 0 ? hits / n : NaN;
}
