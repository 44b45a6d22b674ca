import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import { FileSystemIO } from './fileSystemIO';

export const FILE_SCHEME = 'file://';

/** 'file:///a/b' → '/a/b' (also 'file://rel/dir' → 'rel/dir', as tfjs-node accepts). */
function urlToPath(url: string): string {
  const p = url.slice(FILE_SCHEME.length);
  return process.platform === 'win32' && /^\/[A-Za-z]:/.test(p) ? p.slice(1) : p;
}

/** A path ending in .json names the model file; anything else names the directory. */
function handlerFor(url: string): FileSystemIO {
  const p = urlToPath(url);
  if (p.length === 0) throw new Error(`fileSystemIO: URL '${url}' names no path`);
  if (p.toLowerCase().endsWith('.json')) return new FileSystemIO(path.dirname(p), { modelFileName: path.basename(p) });
  return new FileSystemIO(p);
}

// tfjs types routers as always returning a handler, but treats null as "not mine".
const fileRouter = ((url: string | string[]): tf.io.IOHandler | null => {
  if (typeof url !== 'string' || !url.startsWith(FILE_SCHEME)) return null;
  return handlerFor(url);
}) as (url: string | string[]) => tf.io.IOHandler;

let registered = false;

/**
 * Makes `model.save('file:///dir')` and `tf.loadLayersModel('file:///dir/model.json')` (or the
 * directory) use FileSystemIO. Idempotent. Skips a direction another handler (tfjs-node) already
 * serves, since tfjs refuses URLs that match two routers; returns whether it registered anything.
 */
export function registerFileSystemRouters(): boolean {
  if (registered) return false;
  registered = true;
  const probe = `${FILE_SCHEME}/statespace-probe`;
  let did = false;
  if (tf.io.getSaveHandlers(probe).length === 0) {
    tf.io.registerSaveRouter(fileRouter);
    did = true;
  }
  if (tf.io.getLoadHandlers(probe).length === 0) {
    tf.io.registerLoadRouter(fileRouter);
    did = true;
  }
  return did;
}
