export { lineChartSvg } from './lineChart';
export type { Series, LineChartOptions } from './lineChart';
export { gridSvg, confusionMatrixSvg, trainingCurvesSvg } from './charts';
export { writePng } from './writePng';
export { niceTicks } from './svg';
