import * as fs from 'fs';
import * as path from 'path';

export interface ManifestEntry { file: string; label: string; split?: string; line: number }

/** Splits one CSV line (quotes with "" escapes allowed). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * A CSV manifest `file,label[,split]` (an optional header row naming those columns). Relative
 * paths are resolved against the manifest's folder. Errors name the manifest and the line.
 */
export function readManifest(csv: string): ManifestEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(csv, 'utf8');
  } catch (e) {
    throw new Error(`manifest ${csv}: cannot read (${(e as Error).message})`);
  }
  const dir = path.dirname(csv);
  const lines = text.split(/\r?\n/);
  const out: ManifestEntry[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const cols = splitCsv(raw);
    if (i === 0 && cols[0].toLowerCase() === 'file' && cols[1]?.toLowerCase() === 'label') return; // header
    if (cols.length < 2 || cols.length > 3) throw new Error(`manifest ${csv} line ${line}: expected 2 or 3 columns (file,label[,split]), received ${cols.length}: "${raw}"`);
    if (cols[0] === '') throw new Error(`manifest ${csv} line ${line}: empty file name`);
    if (cols[1] === '') throw new Error(`manifest ${csv} line ${line}: empty label for ${cols[0]}`);
    out.push({ file: path.resolve(dir, cols[0]), label: cols[1], split: cols[2] || undefined, line });
  });
  if (out.length === 0) throw new Error(`manifest ${csv}: no rows`);
  return out;
}

/** Class names of the labels: integers in numeric order when all are integers, else sorted names. */
export function classNamesOf(labels: string[]): string[] {
  const uniq = [...new Set(labels)];
  if (uniq.every((l) => /^\d+$/.test(l))) {
    const max = Math.max(...uniq.map(Number));
    return Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  return uniq.sort();
}
