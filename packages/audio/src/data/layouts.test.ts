import * as fs from 'fs';
import * as path from 'path';
import { detectLayout, listWavFiles, loadAudioDataset, loadCsvManifest, loadFsdd } from './layouts';
import { speakersOf, splitDataset } from './split';
import { DATA_ROOT, tmpDir, writeTone } from './testUtil';

const FSDD = path.join(DATA_ROOT, 'fsdd');
const haveFsdd = fs.existsSync(FSDD);
if (!haveFsdd) console.log(`skipping real FSDD checks: ${FSDD} is absent`);

describe('dataset layouts', () => {
  (haveFsdd ? it : it.skip)('FSDD (real files): naming, official split, speakers', () => {
    expect(detectLayout(FSDD)).toBe('fsdd');
    const ds = loadFsdd(FSDD);
    expect(ds.items.length).toBe(2500);
    expect(ds.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(speakersOf(ds)).toEqual(['george', 'jackson', 'lucas', 'nicolas', 'theo']);
    expect(ds.speakers?.george?.accent).toBe('GRC/Greek');
    const s = splitDataset(ds);
    expect(s.test.length).toBe(250);
    expect(s.train.length).toBe(2250);
    expect(s.test.every((i) => /_[0-4]\.wav$/.test(i.file))).toBe(true);
    const held = splitDataset(ds, { testSpeakers: ['theo'] });
    expect(held.test.length).toBe(500);
    expect(held.train.some((i) => i.speaker === 'theo')).toBe(false);
    expect(() => splitDataset(ds, { testSpeakers: ['yweweler'] })).toThrow(/yweweler.*george, jackson/);
  });

  it('Speech Commands v2: lists, speakers, _background_noise_', () => {
    const dir = tmpDir();
    for (const w of ['yes', 'no']) for (const spk of ['aa11', 'bb22', 'cc33']) writeTone(path.join(dir, w, `${spk}_nohash_0.wav`), w === 'yes' ? 300 : 600, 16000, 1600);
    writeTone(path.join(dir, '_background_noise_', 'white.wav'), 50, 16000, 16000);
    fs.writeFileSync(path.join(dir, 'validation_list.txt'), 'yes/bb22_nohash_0.wav\nno/bb22_nohash_0.wav\n');
    fs.writeFileSync(path.join(dir, 'testing_list.txt'), 'yes/cc33_nohash_0.wav\nno/cc33_nohash_0.wav\n');
    expect(detectLayout(dir)).toBe('speech-commands');
    const ds = loadAudioDataset(dir);
    expect(ds.classes).toEqual(['no', 'yes']);
    expect(ds.backgroundNoise?.map((f) => path.basename(f))).toEqual(['white.wav']);
    const s = splitDataset(ds);
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([2, 2, 2]);
    expect(s.test.every((i) => i.speaker === 'cc33')).toBe(true);
    fs.appendFileSync(path.join(dir, 'testing_list.txt'), 'yes/zz_nohash_9.wav\n');
    expect(() => loadAudioDataset(dir)).toThrow(/testing_list\.txt lists yes\/zz_nohash_9\.wav/);
  });

  it('class folders with a seeded stratified split, and a speaker-held-out CSV', () => {
    const dir = tmpDir();
    for (const c of ['cat', 'dog']) for (let i = 0; i < 5; i++) writeTone(path.join(dir, c, `${i}.wav`), c === 'cat' ? 400 : 800);
    expect(detectLayout(dir)).toBe('class-folders');
    const ds = loadAudioDataset(dir);
    expect(ds.classes).toEqual(['cat', 'dog']);
    const s = splitDataset(ds, { testFraction: 0.4, seed: 1 });
    expect(s.test.filter((i) => i.label === 'cat').length).toBe(2);
    expect(splitDataset(ds, { testFraction: 0.4, seed: 1 }).test.map((i) => i.file)).toEqual(s.test.map((i) => i.file));
    expect(listWavFiles(dir).length).toBe(10);

    const csv = path.join(dir, 'manifest.csv');
    fs.writeFileSync(csv, 'file,label,split,speaker\ncat/0.wav,cat,train,ann\ncat/1.wav,cat,test,bob\n"dog/0.wav",dog,train,ann\ndog/1.wav,dog,,bob\n');
    const m = loadCsvManifest(csv);
    expect(m.items.map((i) => i.split)).toEqual(['train', 'test', 'train', undefined]);
    const held = splitDataset(m, { testSpeakers: ['bob'] });
    expect(held.test.map((i) => path.basename(i.file))).toEqual(['1.wav', '1.wav']);
  });

  it('loader errors name the file and line', () => {
    const dir = tmpDir();
    writeTone(path.join(dir, 'a.wav'), 300);
    const csv = path.join(dir, 'm.csv');
    fs.writeFileSync(csv, 'path,label\na.wav,x\n');
    expect(() => loadCsvManifest(csv)).toThrow(/m\.csv line 1: header must name columns 'file' and 'label'/);
    fs.writeFileSync(csv, 'file,label\na.wav,x\nmissing.wav,y\n');
    expect(() => loadCsvManifest(csv)).toThrow(/m\.csv line 3: file .*missing\.wav does not exist/);
    fs.writeFileSync(csv, 'file,label,split\na.wav,x,holdout\n');
    expect(() => loadCsvManifest(csv)).toThrow(/line 2: split must be train, validation or test, received 'holdout'/);
    fs.writeFileSync(csv, 'file,label\na.wav,x,extra\n');
    expect(() => loadCsvManifest(csv)).toThrow(/line 2: expected 2 cells, received 3/);
    const fs2 = tmpDir();
    writeTone(path.join(fs2, '1_ann_0.wav'), 300);
    writeTone(path.join(fs2, 'oops.wav'), 300);
    expect(() => loadFsdd(fs2)).toThrow(/oops\.wav does not follow the FSDD naming/);
    expect(() => loadAudioDataset(path.join(dir, 'nowhere'))).toThrow(/nowhere does not exist/);
  });
});
