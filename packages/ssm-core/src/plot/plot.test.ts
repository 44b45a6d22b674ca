import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { lineChartSvg } from './lineChart';
import { gridSvg, confusionMatrixSvg, trainingCurvesSvg } from './charts';
import { writePng } from './writePng';
import { niceTicks } from './svg';

/** Well-formedness: every tag closes in order (an independent check next to librsvg's parser below). */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[3]) stack.push(m[2]);
  }
  expect(stack).toEqual([]);
  expect(svg.startsWith('<svg')).toBe(true);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssm-plot-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('plots', () => {
  it('niceTicks gives 1/2/5 steps covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1].map((v) => v));
    expect(niceTicks(3, 97, 5)).toEqual([20, 40, 60, 80]);
    expect(niceTicks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('lineChartSvg: paths for each series, axes, ticks, legend, labels, escaped text', () => {
    const svg = lineChartSvg({
      series: [{ name: 'train <loss>', y: [3, 2, 1.5, NaN, 1] }, { name: 'val', x: [0, 2, 4], y: [3.5, 2, 1.8], dashed: true }],
      title: 'Loss & friends', xLabel: 'epoch', yLabel: 'MSE', vline: 2, width: 500, height: 300,
    });
    expectWellFormed(svg);
    expect(svg).toContain('width="500" height="300"');
    const paths = [...svg.matchAll(/<path d="([^"]*)"[^>]*data-series="([^"]*)"/g)];
    expect(paths.map((p) => p[2])).toEqual(['train &lt;loss&gt;', 'val']);
    expect(paths[0][1].match(/M/g)).toHaveLength(2); // the NaN breaks the line
    expect(paths[0][1].match(/[ML]/g)).toHaveLength(4);
    expect(paths[1][1].match(/[ML]/g)).toHaveLength(3);
    expect(svg).toContain('stroke-dasharray="6 4"');
    for (const s of ['Loss &amp; friends', '>epoch<', '>MSE<', 'class="vline"', 'class="legend"', 'class="axes"']) expect(svg).toContain(s);
    expect(svg.match(/class="xtick"/g)!.length).toBeGreaterThanOrEqual(3);
    expect(svg.match(/class="ytick"/g)!.length).toBeGreaterThanOrEqual(3);
    // Coordinates: x=0 maps to the left edge of the plot (64) and the largest y to the top half.
    expect(paths[0][1].startsWith('M64,')).toBe(true);
    const log = lineChartSvg({ series: [{ name: 'a', y: [1000, 100, 10, 1, 0.1] }], logY: true });
    expect(log).toMatch(/>1000</);
    expect(log).toMatch(/>0\.1</);
    expect(() => lineChartSvg({ series: [{ name: 'a', x: [1], y: [1, 2] }] })).toThrow(/series\[0\] \('a'\) has 1 x values but 2 y values/);
  });

  it('confusionMatrixSvg: one cell per entry with its value, labels, normalized rows', () => {
    const m = [[5, 1, 0], [2, 6, 2], [0, 0, 4]];
    const svg = confusionMatrixSvg(m, ['cat', 'dog', 'emu'], { title: 'CM' });
    expectWellFormed(svg);
    const cells = [...svg.matchAll(/data-true="(\d)" data-pred="(\d)" data-value="([^"]*)"/g)];
    expect(cells).toHaveLength(9);
    for (const c of cells) expect(Number(c[3])).toBe(m[Number(c[1])][Number(c[2])]);
    for (const l of ['>cat<', '>dog<', '>emu<', '>predicted<', '>true<', '>CM<']) expect(svg).toContain(l);
    const norm = confusionMatrixSvg(m, ['a', 'b', 'c'], { normalize: true });
    const v = [...norm.matchAll(/data-true="1" data-pred="(\d)" data-value="([^"]*)"/g)].map((c) => Number(c[2]));
    expect(v).toEqual([0.2, 0.6, 0.2]);
    expect(() => confusionMatrixSvg(m, ['a'])).toThrow(/'labels' must have 3 names, received 1/);
  });

  it('trainingCurvesSvg + gridSvg, rendered to PNG with the expected size', async () => {
    const history = [1, 2, 3, 4].map((e) => ({ epoch: e, trainLoss: 1 / e, val: { loss: 1.2 / e, acc: 0.5 + e / 10 }, seconds: 1, lr: 1e-3 }));
    const svg = trainingCurvesSvg(history);
    expectWellFormed(svg);
    expect(svg).toContain('data-series="train loss"');
    expect(svg).toContain('data-series="val loss"');
    expect(svg).toContain('data-series="val acc"');
    expect(svg).toContain('width="960" height="320"');
    const file = path.join(tmp, 'sub', 'curves.png');
    await writePng(svg, file);
    const meta = await sharp(file).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 960, 320]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['curves.png']); // no temporaries

    const grid = gridSvg([lineChartSvg({ series: [{ name: 'a', y: [1, 2] }] }), confusionMatrixSvg([[1]], ['x'])], 1, 300, 200, 'Grid');
    expectWellFormed(grid);
    await writePng(grid, path.join(tmp, 'grid.png'));
    const g = await sharp(path.join(tmp, 'grid.png')).metadata();
    expect([g.width, g.height]).toEqual([300, 30 + 2 * 200]);
    // Rendered pixels are not blank: the plotted line darkens some pixels.
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    let dark = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i] < 128) dark++;
    expect(dark).toBeGreaterThan(500);
    await expect(writePng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect></svg>', path.join(tmp, 'bad.png')))
      .rejects.toThrow(/writePng: cannot render the SVG for .*bad\.png/);
    expect(fs.existsSync(path.join(tmp, 'bad.png'))).toBe(false);
  });
});
