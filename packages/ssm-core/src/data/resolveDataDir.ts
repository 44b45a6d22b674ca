import * as fs from 'fs';
import * as path from 'path';

/** The monorepo root: the nearest ancestor of this file holding nx.json or a package.json with workspaces. */
export function findRepoRoot(start: string = __dirname): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'nx.json'))) return dir;
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).workspaces != null) return dir;
      } catch {
        // not a readable package.json; keep walking up
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Path of the shared data sets (joined with `parts`): $STATESPACE_DATA when set, else
 * <repo root>/../shared/datasets. Does not check existence (callers report a missing file by name).
 */
export function resolveDataDir(...parts: string[]): string {
  const env = process.env.STATESPACE_DATA;
  let base: string;
  if (env !== undefined && env !== '') base = path.resolve(env);
  else {
    const root = findRepoRoot() ?? findRepoRoot(process.cwd());
    if (root === undefined) {
      throw new Error(`resolveDataDir: STATESPACE_DATA is not set and no repository root (nx.json / workspaces package.json) was found above ${__dirname}`);
    }
    base = path.resolve(root, '..', 'shared', 'datasets');
  }
  return path.join(base, ...parts);
}
