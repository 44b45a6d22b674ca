import * as fs from 'fs';
import * as path from 'path';

/**
 * One op's compiled AssemblyScript SIMD kernels (dist-wasm/<name>.wasm, built from
 * src/ops/<op>/simd/<name>.ts), instantiated once per thread on its own shared WebAssembly.Memory. Fused kernels copy their inputs into a scratch arena on
 * this memory, call an exported function, and copy the outputs out.
 *
 * Why our own module rather than tfjs-backend-wasm's heap: tfjs-wasm exposes no way to add
 * kernels to its module, and the cpu backend has no heap at all. One module serves both.
 */
export interface SimdModule {
  readonly memory: WebAssembly.Memory;
  /** Exported kernel functions; pointers are byte offsets into `memory`. */
  readonly exports: Record<string, (...args: number[]) => number>;
  /** The compiled module, so worker threads can instantiate it on the same memory. */
  readonly module: WebAssembly.Module;
  readonly heapBase: number;
}

const INITIAL_PAGES = 64;
const MAXIMUM_PAGES = 32768; // 2 GiB: must match --maximumMemory in tools/build-wasm.js

const cache = new Map<string, SimdModule>();

function findWasm(name: string): string {
  // Works from src/ (ts-jest), dist/ and dist-bench/: walk up to the package root.
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'dist-wasm', `${name}.wasm`);
    if (fs.existsSync(candidate)) return candidate;
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'assembly'))) break;
    dir = path.dirname(dir);
  }
  throw new Error(
    `@statespace/ssm-core: the SIMD kernel module dist-wasm/${name}.wasm was not found above ${__dirname}; ` +
      'run `npm run build -w @statespace/ssm-core` (it compiles the AssemblyScript kernels).',
  );
}

export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): WebAssembly.Instance {
  return new WebAssembly.Instance(module, {
    env: {
      memory,
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`SIMD kernel aborted at ${line}:${col}`);
      },
    },
  });
}

/** The process-wide instance of dist-wasm/`name`.wasm, loaded on first use. */
export function simdModule(name: string): SimdModule {
  const cached = cache.get(name);
  if (cached) return cached;
  const module = new WebAssembly.Module(fs.readFileSync(findWasm(name)));
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const instance = instantiate(module, memory);
  const exports = instance.exports as unknown as SimdModule['exports'];
  const heapBase = (exports.heapBase as () => number)();
  const mod: SimdModule = { memory, exports, module, heapBase };
  cache.set(name, mod);
  return mod;
}
