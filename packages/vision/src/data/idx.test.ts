import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { detectIdxFolder, loadIdxImages, readIdx } from './idx';
import { openDataset } from './dataset';
import { holdOutLast } from './source';

const DATA = process.env.STATESPACE_DATA ?? path.resolve(__dirname, '../../../../../shared/datasets');

/** An IDX file written byte by byte (independent of the parser). */
function idxBytes(type: number, dims: number[], values: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = type;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(values)]);
}

describe('IDX files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vision-idx-'));
  const pixels = Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 10);
  fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), idxBytes(8, [3, 2, 2], pixels));
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte.gz'), zlib.gzipSync(idxBytes(8, [3], [2, 0, 1])));

  it('parses plain and gzipped files and recognizes a standard-name folder by split', () => {
    const im = readIdx(path.join(dir, 'train-images-idx3-ubyte'));
    expect(im.dims).toEqual([3, 2, 2]);
    expect(Array.from(im.data)).toEqual(pixels);
    expect(detectIdxFolder(dir)).toEqual(['train']);
    const src = openDataset(dir, { split: 'train' });
    expect([src.size, src.height, src.width, src.channels]).toEqual([3, 2, 2, 1]);
    expect(Array.from(src.labels)).toEqual([2, 0, 1]);
    expect(() => openDataset(dir, { split: 'test' })).toThrow(/has split\(s\) train but not 't10k'/);
  });

  it('names the file and the byte for truncated, bad-magic and mismatched files', () => {
    const trunc = path.join(dir, 'trunc-idx3-ubyte');
    fs.writeFileSync(trunc, idxBytes(8, [3, 2, 2], pixels.slice(0, 7)));
    expect(() => readIdx(trunc)).toThrow(new RegExp(`IDX file ${trunc.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: truncated.*data ends at byte 23`));
    const bad = path.join(dir, 'bad.idx');
    fs.writeFileSync(bad, Buffer.from([1, 2, 3, 4, 5]));
    expect(() => readIdx(bad)).toThrow(/bad magic number at byte 0.*received 01 02 03 04/);
    const gzBad = path.join(dir, 'x.gz');
    fs.writeFileSync(gzBad, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    expect(() => readIdx(gzBad)).toThrow(/x\.gz: corrupt gzip data/);
    const lab = path.join(dir, 'lab-idx1-ubyte');
    fs.writeFileSync(lab, idxBytes(8, [2], [1, 1]));
    expect(() => loadIdxImages(path.join(dir, 'train-images-idx3-ubyte'), lab)).toThrow(/3 images but 2 labels/);
  });

  const fm = path.join(DATA, 'fashion-mnist');
  (fs.existsSync(fm) ? it : it.skip)('reads the real Fashion-MNIST training files (60,000 × 28 × 28) and holds out the last 10k', async () => {
    const src = openDataset(fm, { split: 'train' });
    expect([src.size, src.height, src.width]).toEqual([60000, 28, 28]);
    expect(src.classNames[9]).toBe('Ankle boot');
    const counts = new Array(10).fill(0);
    for (const l of src.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(6000)); // Fashion-MNIST is balanced
    const { train, val } = holdOutLast(src, 10000);
    expect([train.size, val.size]).toEqual([50000, 10000]);
    const b = await val.read([0]);
    expect(b.labels[0]).toBe(src.labels[50000]);
    expect(b.x.length).toBe(784);
    expect(Math.max(...b.x)).toBeLessThanOrEqual(1);
  });
  if (!fs.existsSync(fm)) console.log(`skipping the real-data test: ${fm} is absent`);

  const mn = path.join(DATA, 'mnist');
  (fs.existsSync(mn) ? it : it.skip)('reads the MNIST test split (t10k) by its standard names', () => {
    const src = openDataset(mn, { split: 'test' });
    expect(src.size).toBe(10000);
    expect(() => openDataset(mn, { split: 'train' })).toThrow(/not 'train'/); // the train images are absent there
  });
});
