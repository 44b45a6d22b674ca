import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** packages/web-demo, from src/e2e (ts-jest) or dist-bench/src/e2e (the bench). */
function packageDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'vite.config.mts'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`web-demo: no vite.config.mts above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const PACKAGE_DIR = packageDir();
export const DIST_DIR = path.join(PACKAGE_DIR, 'dist');

/** Newest modification time under `p` (a file or a folder, recursively). */
function newest(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(p).reduce((m, f) => Math.max(m, newest(path.join(p, f))), st.mtimeMs);
}

/** Runs `vite build` unless dist/index.html is newer than the page, its sources and ssm-core's. */
export function buildIfNeeded(): 'built' | 'up to date' {
  const html = path.join(DIST_DIR, 'index.html');
  const inputs = ['index.html', 'vite.config.mts', 'src', 'public', '../ssm-core/src'].map((p) => path.join(PACKAGE_DIR, p));
  if (fs.existsSync(html) && fs.statSync(html).mtimeMs >= Math.max(...inputs.map(newest))) return 'up to date';
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: PACKAGE_DIR, stdio: 'inherit' });
  return 'built';
}
