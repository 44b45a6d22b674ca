import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Real data folder, or null (tests print why they skip). */
export function dataDir(): string | null {
  const d = process.env.STATESPACE_DATA ?? path.resolve(__dirname, '../../../../../shared/datasets');
  if (!fs.existsSync(d)) {
    console.log(`skipping real-data checks: ${d} not found (set STATESPACE_DATA)`);
    return null;
  }
  return d;
}

export function tmpDir(prefix = 'graph-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function write(dir: string, name: string, text: string | Uint8Array): string {
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}
