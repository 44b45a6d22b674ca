import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';

/** A fully written, fsynced temporary file waiting to be renamed over `target`. */
export interface TempFile {
  target: string;
  temp: string;
  committed: boolean;
}

/** Temporary name in the target's directory, so the final rename stays on one file system (atomic). */
function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

async function prepare(target: string, chunks: readonly Uint8Array[]): Promise<TempFile> {
  const temp = tempNameFor(target);
  const handle = await fs.promises.open(temp, 'wx');
  const file: TempFile = { target, temp, committed: false };
  try {
    for (const c of chunks) {
      let off = 0;
      while (off < c.byteLength) {
        const { bytesWritten } = await handle.write(c, off, c.byteLength - off);
        off += bytesWritten;
      }
    }
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  return file;
}

async function commit(file: TempFile): Promise<void> {
  await fs.promises.rename(file.temp, file.target);
  file.committed = true;
}

export const writeFileAtomically = { prepare, commit };

/** Removes the temporaries that were not renamed (after a failure). */
export async function cleanupTempFiles(files: readonly TempFile[]): Promise<void> {
  await Promise.all(files.filter((f) => !f.committed).map((f) => fs.promises.rm(f.temp, { force: true })));
}

/** Persists the renames themselves; best effort (directories cannot be opened for sync on Windows). */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported on this platform; the file contents were fsynced already.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
