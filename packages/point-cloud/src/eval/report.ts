import * as fs from 'fs';
import * as path from 'path';
import { confusionMatrixSvg, trainingCurvesSvg, writePng, type EpochRecord } from '@statespace/ssm-core';
import type { ClassifierEvaluation } from './evaluate';

/** Writes <dir>/confusion.png (row-normalized confusion matrix) and, given a history, <dir>/curves.png. */
export async function writeEvaluationPlots(dir: string, ev: ClassifierEvaluation, classes: string[], title: string, history?: EpochRecord[]): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files = [path.join(dir, 'confusion.png')];
  await writePng(confusionMatrixSvg(ev.confusion, classes, { title: `${title}: OA ${(100 * ev.accuracy).toFixed(1)}%, mAcc ${(100 * ev.meanClassAccuracy).toFixed(1)}%`, normalize: true }), files[0]);
  if (history && history.length > 0) {
    files.push(path.join(dir, 'curves.png'));
    await writePng(trainingCurvesSvg(history, ['oa', 'loss']), files[1]);
  }
  return files;
}

/** Per-class accuracy as a plain-text table (for stderr and the docs). */
export function perClassTable(ev: ClassifierEvaluation): string {
  return ev.perClass.map((c) => `${c.name.padEnd(14)} ${(100 * c.accuracy).toFixed(1).padStart(6)}%  (n=${c.support})`).join('\n');
}
