import * as fs from 'fs';
import * as path from 'path';

export type Split = 'train' | 'validation' | 'test';
export type LayoutKind = 'fsdd' | 'speech-commands' | 'class-folders' | 'csv';

/** One labelled recording. */
export interface AudioItem {
  file: string; // absolute path
  label: string;
  split?: Split;
  speaker?: string;
}

export interface AudioDataset {
  root: string;
  layout: LayoutKind;
  classes: string[]; // sorted; a label's class id is its index
  items: AudioItem[];
  /** Speaker metadata (FSDD speakers.json), when present. */
  speakers?: Record<string, Record<string, string>>;
  /** Speech Commands _background_noise_ WAVs, for noise augmentation. */
  backgroundNoise?: string[];
}

const isWav = (f: string): boolean => f.toLowerCase().endsWith('.wav');
const FSDD_NAME = /^(\d+)_([^_]+)_(\d+)\.wav$/i;
const BACKGROUND = '_background_noise_';

function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    throw new Error(`audio data: cannot read directory ${dir}: ${(e as Error).message}`);
  }
}

function withClasses(root: string, layout: LayoutKind, items: AudioItem[], extra: Partial<AudioDataset> = {}): AudioDataset {
  if (items.length === 0) throw new Error(`audio data: no WAV files found under ${root} (layout ${layout})`);
  const classes = [...new Set(items.map((i) => i.label))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { root, layout, classes, items, ...extra };
}

/** FSDD: `{digit}_{speaker}_{index}.wav` in `dir` or `dir/recordings`; index 0–4 is the official test split. */
export function loadFsdd(dir: string): AudioDataset {
  const rec = fs.existsSync(path.join(dir, 'recordings')) ? path.join(dir, 'recordings') : dir;
  const items: AudioItem[] = [];
  for (const e of listDir(rec)) {
    if (!e.isFile() || !isWav(e.name)) continue;
    const m = FSDD_NAME.exec(e.name);
    if (!m) throw new Error(`loadFsdd: ${path.join(rec, e.name)} does not follow the FSDD naming {digit}_{speaker}_{index}.wav`);
    items.push({ file: path.join(rec, e.name), label: m[1], speaker: m[2], split: Number(m[3]) <= 4 ? 'test' : 'train' });
  }
  let speakers: AudioDataset['speakers'];
  const sp = path.join(dir, 'speakers.json');
  if (fs.existsSync(sp)) {
    try {
      speakers = JSON.parse(fs.readFileSync(sp, 'utf8'));
    } catch (e) {
      throw new Error(`loadFsdd: ${sp} is not valid JSON: ${(e as Error).message}`);
    }
  }
  return withClasses(dir, 'fsdd', items, speakers ? { speakers } : {});
}

/** Reads a Speech Commands list file (one relative path per line); missing file → empty set. */
function readList(file: string): Set<string> {
  if (!fs.existsSync(file)) return new Set();
  return new Set(fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim().replace(/\\/g, '/')).filter((l) => l.length > 0));
}

/**
 * Speech Commands v2: one folder per word, validation_list.txt and testing_list.txt (paths
 * relative to the root; the rest is train), speaker = the file-name hash before `_nohash_`,
 * and `_background_noise_/*.wav` kept aside for augmentation.
 */
export function loadSpeechCommands(dir: string): AudioDataset {
  const val = readList(path.join(dir, 'validation_list.txt'));
  const test = readList(path.join(dir, 'testing_list.txt'));
  const items: AudioItem[] = [];
  let backgroundNoise: string[] = [];
  for (const d of listDir(dir)) {
    if (!d.isDirectory()) continue;
    const sub = path.join(dir, d.name);
    const wavs = listDir(sub).filter((f) => f.isFile() && isWav(f.name));
    if (d.name === BACKGROUND) {
      backgroundNoise = wavs.map((f) => path.join(sub, f.name));
      continue;
    }
    for (const f of wavs) {
      const rel = `${d.name}/${f.name}`;
      const speaker = f.name.includes('_nohash_') ? f.name.split('_nohash_')[0] : undefined;
      items.push({ file: path.join(sub, f.name), label: d.name, split: test.has(rel) ? 'test' : val.has(rel) ? 'validation' : 'train', speaker });
    }
  }
  for (const [name, set] of [['validation_list.txt', val], ['testing_list.txt', test]] as const) {
    for (const rel of set) {
      if (!fs.existsSync(path.join(dir, rel))) throw new Error(`loadSpeechCommands: ${path.join(dir, name)} lists ${rel}, which does not exist`);
    }
  }
  return withClasses(dir, 'speech-commands', items, { backgroundNoise });
}

/** One folder per class with WAV files inside (any depth below the class folder is not searched). No split. */
export function loadClassFolders(dir: string): AudioDataset {
  const items: AudioItem[] = [];
  for (const d of listDir(dir)) {
    if (!d.isDirectory() || d.name.startsWith('_') || d.name.startsWith('.')) continue;
    for (const f of listDir(path.join(dir, d.name))) {
      if (f.isFile() && isWav(f.name)) items.push({ file: path.join(dir, d.name, f.name), label: d.name });
    }
  }
  return withClasses(dir, 'class-folders', items);
}

/** Splits one CSV line (RFC 4180 quotes). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

const SPLITS: Record<string, Split> = { train: 'train', training: 'train', validation: 'validation', val: 'validation', valid: 'validation', dev: 'validation', test: 'test', testing: 'test' };

/** CSV manifest with a header naming `file,label[,split][,speaker]`; file paths relative to the CSV's folder. */
export function loadCsvManifest(csvFile: string): AudioDataset {
  let text: string;
  try {
    text = fs.readFileSync(csvFile, 'utf8');
  } catch (e) {
    throw new Error(`loadCsvManifest: cannot read ${csvFile}: ${(e as Error).message}`);
  }
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const col = (n: string): number => header.indexOf(n);
  if (col('file') < 0 || col('label') < 0) {
    throw new Error(`loadCsvManifest: ${csvFile} line 1: header must name columns 'file' and 'label' (optional 'split', 'speaker'), received '${lines[0] ?? ''}'`);
  }
  const base = path.dirname(csvFile);
  const items: AudioItem[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitCsvLine(lines[i]);
    if (cells.length !== header.length) throw new Error(`loadCsvManifest: ${csvFile} line ${i + 1}: expected ${header.length} cells, received ${cells.length}`);
    const file = cells[col('file')];
    const label = cells[col('label')];
    if (!file || !label) throw new Error(`loadCsvManifest: ${csvFile} line ${i + 1}: empty 'file' or 'label'`);
    const abs = path.resolve(base, file);
    if (!fs.existsSync(abs)) throw new Error(`loadCsvManifest: ${csvFile} line ${i + 1}: file ${abs} does not exist`);
    const item: AudioItem = { file: abs, label };
    if (col('split') >= 0 && cells[col('split')] !== '') {
      const s = SPLITS[cells[col('split')].toLowerCase()];
      if (!s) throw new Error(`loadCsvManifest: ${csvFile} line ${i + 1}: split must be train, validation or test, received '${cells[col('split')]}'`);
      item.split = s;
    }
    if (col('speaker') >= 0 && cells[col('speaker')] !== '') item.speaker = cells[col('speaker')];
    items.push(item);
  }
  return withClasses(csvFile, 'csv', items);
}

/** Recognizes the layout at `p`: a .csv file, a Speech Commands root, an FSDD folder, or class folders. */
export function detectLayout(p: string): LayoutKind {
  if (!fs.existsSync(p)) throw new Error(`audio data: path ${p} does not exist`);
  if (fs.statSync(p).isFile()) {
    if (p.toLowerCase().endsWith('.csv')) return 'csv';
    throw new Error(`audio data: ${p} is a file; expected a folder (FSDD, Speech Commands, class folders) or a .csv manifest`);
  }
  if (fs.existsSync(path.join(p, 'testing_list.txt')) || fs.existsSync(path.join(p, 'validation_list.txt'))) return 'speech-commands';
  const rec = fs.existsSync(path.join(p, 'recordings')) ? path.join(p, 'recordings') : p;
  const wavs = listDir(rec).filter((e) => e.isFile() && isWav(e.name));
  if (wavs.length > 0 && wavs.every((e) => FSDD_NAME.test(e.name))) return 'fsdd';
  return 'class-folders';
}

/** Loads any supported layout (detected unless `layout` is given). */
export function loadAudioDataset(p: string, layout?: LayoutKind): AudioDataset {
  const kind = layout ?? detectLayout(p);
  switch (kind) {
    case 'fsdd': return loadFsdd(p);
    case 'speech-commands': return loadSpeechCommands(p);
    case 'class-folders': return loadClassFolders(p);
    case 'csv': return loadCsvManifest(p);
    default: throw new Error(`audio data: layout must be fsdd, speech-commands, class-folders or csv, received ${String(kind)}`);
  }
}

/** Every WAV file under `dir` (recursive, sorted); `--test PATH` and `predict` use it. */
export function listWavFiles(dir: string): string[] {
  if (fs.statSync(dir).isFile()) return [dir];
  const out: string[] = [];
  for (const e of listDir(dir)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listWavFiles(p));
    else if (e.isFile() && isWav(e.name)) out.push(p);
  }
  return out;
}
