export { confusionMatrix, classificationReport, topKAccuracy, argmaxRows } from './classification';
export type { ClassReport } from './classification';
export { meanAndStd, regressionMetrics } from './regression';
