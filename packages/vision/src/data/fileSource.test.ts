import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { openDataset, makeBatch } from './dataset';
import { readManifest } from './manifest';

/** Writes root/<class>/<name> images of a flat colour with sharp. */
async function writeImage(file: string, size: number, rgb: [number, number, number]): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp({ create: { width: size, height: size + 4, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  const ext = path.extname(file);
  await (ext === '.jpg' ? img.jpeg({ quality: 100 }) : ext === '.webp' ? img.webp({ lossless: true }) : img.png()).toFile(file);
}

describe('image folders and manifests through sharp', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vision-img-'));
  beforeAll(async () => {
    await writeImage(path.join(root, 'cats', 'a.png'), 20, [255, 0, 0]);
    await writeImage(path.join(root, 'cats', 'b.jpg'), 30, [250, 0, 0]);
    await writeImage(path.join(root, 'dogs', 'c.webp'), 12, [0, 0, 255]);
    fs.writeFileSync(path.join(root, 'dogs', 'notes.txt'), 'ignored');
  });

  it('decodes, resizes and crops every format to the requested size, labels by folder', async () => {
    const src = openDataset(root, { size: 8, channels: 3 });
    expect(src.classNames).toEqual(['cats', 'dogs']);
    expect(Array.from(src.labels)).toEqual([0, 0, 1]);
    const b = await src.read([0, 2]);
    expect(b.count).toBe(2);
    expect(b.x.length).toBe(2 * 8 * 8 * 3);
    expect(b.x[0]).toBeCloseTo(1, 2); // red pixel: r = 1
    expect(b.x[2]).toBeCloseTo(0, 2);
    expect(b.x[8 * 8 * 3 + 2]).toBeCloseTo(1, 2); // blue
    const grey = openDataset(root, { size: 4, channels: 1 });
    const g = await grey.read([2]);
    expect(g.x.length).toBe(16);
  });

  it('a corrupt image is an error naming the file, or is skipped and counted with skipBad', async () => {
    const bad = path.join(root, 'dogs', 'broken.png');
    fs.writeFileSync(bad, Buffer.from('this is not a png'));
    try {
      const strict = openDataset(root, { size: 8 });
      const i = Array.from((strict as unknown as { files: string[] }).files).indexOf(bad);
      await expect(strict.read([i])).rejects.toThrow(new RegExp(`image ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: corrupt or unsupported image`));
      const lenient = openDataset(root, { size: 8, skipBad: true });
      const b = await makeBatch(lenient, Array.from({ length: lenient.size }, (_, k) => k), { size: 8, channels: 3 });
      expect(b.count).toBe(3);
      expect(b.skipped).toEqual([bad]);
    } finally {
      fs.unlinkSync(bad);
    }
  });

  it('reads a CSV manifest with splits and names the line of a bad row', async () => {
    const csv = path.join(root, 'manifest.csv');
    fs.writeFileSync(csv, 'file,label,split\ncats/a.png,cat,train\ndogs/c.webp,dog,test\n"cats/b.jpg",cat,train\n');
    const train = openDataset(csv, { split: 'train', size: 6 });
    expect(train.size).toBe(2);
    expect(train.classNames).toEqual(['cat']);
    const all = openDataset(csv, { size: 6 });
    expect(all.classNames).toEqual(['cat', 'dog']);
    expect((await all.read([1])).labels[0]).toBe(1);
    fs.writeFileSync(csv, 'cats/a.png,cat\ncats/b.jpg\n');
    expect(() => readManifest(csv)).toThrow(/manifest .*manifest\.csv line 2: expected 2 or 3 columns/);
  });

  it('rejects unknown paths and empty folders clearly', () => {
    expect(() => openDataset(path.join(root, 'nope'))).toThrow(/no such file or folder/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'vision-empty-'));
    expect(() => openDataset(empty)).toThrow(/expected one sub-folder per class/);
  });
});
