/**
 * Browser stand-ins for the Node built-ins (fs, path, os, worker_threads) that ssm-core's
 * host-kernel and Dawn code import. Vite aliases those modules here; the browser never reaches the
 * calls (the demo unregisters the host kernels, and navigator.gpu replaces Dawn), so each throws
 * a clear error rather than failing deep inside a kernel.
 */
function nodeOnly(name: string): never {
  throw new Error(`${name} is Node-only and unavailable in the browser (ssm-core's fused cpu/wasm kernels and Dawn need Node)`);
}

export const existsSync = (): boolean => false;
export const readFileSync = (): never => nodeOnly('fs.readFileSync');
export const mkdtempSync = (): never => nodeOnly('fs.mkdtempSync');
export const join = (...parts: string[]): string => parts.join('/');
export const dirname = (p: string): string => p.replace(/\/[^/]*$/, '') || '/';
export const cpus = (): unknown[] => [{}];
export const tmpdir = (): string => '/tmp';
export class Worker {
  constructor() {
    nodeOnly('worker_threads.Worker');
  }
}
export const constants = {};
export default { existsSync, readFileSync, mkdtempSync, join, dirname, cpus, tmpdir, Worker, constants };
