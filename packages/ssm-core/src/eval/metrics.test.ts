import { mulberry32 } from '../train/seed';
import { confusionMatrix, classificationReport, topKAccuracy, argmaxRows } from './classification';
import { meanAndStd, regressionMetrics } from './regression';

describe('classification metrics', () => {
  it('hand-checkable case', () => {
    const yTrue = [0, 0, 1, 1, 1, 2];
    const yPred = [0, 1, 1, 1, 0, 2];
    expect(confusionMatrix(yTrue, yPred, 3)).toEqual([[1, 1, 0], [1, 2, 0], [0, 0, 1]]);
    const r = classificationReport(yTrue, yPred, 4, ['a', 'b', 'c', 'd']);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.perClass.map((p) => [p.name, p.support])).toEqual([['a', 2], ['b', 3], ['c', 1], ['d', 0]]);
    expect(r.perClass[1].accuracy).toBeCloseTo(2 / 3, 12);
    expect(r.perClass[3].accuracy).toBeNaN();
    expect(r.meanClassAccuracy).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 12); // class d has no samples
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow(/yTrue\[1\] must be an integer class index in \[0, 2\], received 3/);
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow(/same length, received 1 and 2/);
  });

  it('topKAccuracy: hand case with ties, and against a sort-based brute force', () => {
    const logits = new Float32Array([
      0.1, 0.5, 0.4, // label 2: rank 1 → top-1 miss, top-2 hit
      0.3, 0.3, 0.3, // label 2 tie: ranks after 0 and 1 → top-2 miss, top-3 hit
      0.9, 0.0, 0.1, // label 0: top-1 hit
    ]);
    const labels = [2, 2, 0];
    expect(topKAccuracy(logits, 3, labels, 1)).toBeCloseTo(1 / 3);
    expect(topKAccuracy(logits, 3, labels, 2)).toBeCloseTo(2 / 3);
    expect(topKAccuracy(logits, 3, labels, 3)).toBe(1);
    expect(Array.from(argmaxRows(logits, 3))).toEqual([1, 0, 0]);

    const rng = mulberry32(4);
    const n = 200;
    const c = 7;
    const big = new Float32Array(n * c).map(() => Math.round(rng() * 5)); // many ties
    const ys = Array.from({ length: n }, () => Math.floor(rng() * c));
    for (const k of [1, 2, 3, 7]) {
      let hits = 0;
      for (let i = 0; i < n; i++) {
        const order = Array.from({ length: c }, (_, j) => j).sort((a, b) => big[i * c + b] - big[i * c + a] || a - b);
        if (order.slice(0, k).includes(ys[i])) hits++;
      }
      expect(topKAccuracy(big, c, ys, k)).toBeCloseTo(hits / n, 12);
    }
    // top-1 equals accuracy of argmax predictions (independently via confusion matrix).
    const r = classificationReport(ys, argmaxRows(big, c), c);
    expect(topKAccuracy(big, c, ys, 1)).toBeCloseTo(r.accuracy, 12);
    expect(() => topKAccuracy(big, c, ys.slice(1), 1)).toThrow(/'logits' must have labels.length × numClasses/);
  });

  it('classificationReport against a brute-force count', () => {
    const rng = mulberry32(9);
    const n = 300;
    const c = 5;
    const yt = Array.from({ length: n }, () => Math.floor(rng() * c));
    const yp = yt.map((y) => (rng() < 0.6 ? y : Math.floor(rng() * c)));
    const r = classificationReport(yt, yp, c);
    let total = 0;
    for (let t = 0; t < c; t++) {
      for (let p = 0; p < c; p++) {
        const count = yt.filter((y, i) => y === t && yp[i] === p).length;
        expect(r.confusion[t][p]).toBe(count);
        total += count;
      }
      const support = yt.filter((y) => y === t).length;
      const correct = yt.filter((y, i) => y === t && yp[i] === t).length;
      expect(r.perClass[t].accuracy).toBeCloseTo(correct / support, 12);
    }
    expect(total).toBe(n);
    expect(r.accuracy).toBeCloseTo(yt.filter((y, i) => y === yp[i]).length / n, 12);
  });
});

describe('regression metrics', () => {
  it('meanAndStd uses the sample (n-1) std', () => {
    expect(meanAndStd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, std: Math.sqrt(32 / 7) });
    expect(meanAndStd([3])).toEqual({ mean: 3, std: 0 });
    expect(() => meanAndStd([])).toThrow(/non-empty array/);
  });

  it('hand case and brute force', () => {
    const m = regressionMetrics(new Float32Array([1, 2, 0, -4]), new Float32Array([2, 2, 1, -2]));
    expect(m.mse).toBeCloseTo((1 + 0 + 1 + 4) / 4, 12);
    expect(m.mae).toBeCloseTo((1 + 0 + 1 + 2) / 4, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(6 / 4), 12);
    expect(m.mape).toBeCloseTo((1 + 0 + 0.5) / 3, 12); // the yTrue = 0 entry is skipped
    const rng = mulberry32(2);
    const a = Array.from({ length: 100 }, () => rng() * 10 - 5);
    const b = a.map((x) => x + rng() - 0.5);
    const r = regressionMetrics(a, b);
    const errs = a.map((x, i) => b[i] - x);
    expect(r.mse).toBeCloseTo(errs.map((e) => e * e).reduce((s, e) => s + e) / 100, 12);
    expect(r.mae).toBeCloseTo(errs.map(Math.abs).reduce((s, e) => s + e) / 100, 12);
    expect(() => regressionMetrics([1, NaN], [1, 2])).toThrow(/non-finite value at index 1/);
  });
});
