import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import { fileURLToPath } from 'url';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const shim = path.resolve(here, 'src/shims/node.ts');
const wasmDir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** Ships tfjs-backend-wasm's binaries as dist/tfjs-wasm/*.wasm (the page calls setWasmPaths('tfjs-wasm/')). */
function tfjsWasmBinaries(): Plugin {
  return {
    name: 'statespace-tfjs-wasm-binaries',
    generateBundle() {
      for (const f of WASM_FILES) {
        this.emitFile({ type: 'asset', fileName: `tfjs-wasm/${f}`, source: fs.readFileSync(path.join(wasmDir, 'dist', f)) });
      }
    },
    configureServer(server) {
      // `vite` (dev server): serve the same files from node_modules.
      server.middlewares.use('/tfjs-wasm/', (req, res, next) => {
        const f = path.basename(req.url ?? '');
        if (!WASM_FILES.includes(f)) return next();
        res.setHeader('Content-Type', 'application/wasm');
        fs.createReadStream(path.join(wasmDir, 'dist', f)).pipe(res);
      });
    },
  };
}

/**
 * `vite` (dev server) serves ssm-core's TypeScript as ES modules, where the CommonJS `require` of
 * tfjs-backend-webgpu in startWebgpu.ts does not exist; `vite build` (rolldown) bundles it. For
 * the dev server, turn that one require into a static import.
 */
function webgpuRequireAsImport(): Plugin {
  const call = /require\(['"]@tensorflow\/tfjs-backend-webgpu['"]\)/;
  return {
    name: 'statespace-webgpu-require-as-import',
    apply: 'serve',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('/backend/webgpu/startWebgpu.ts') || !call.test(code)) return null;
      return `import * as __tfjsWebgpu from '@tensorflow/tfjs-backend-webgpu';\n${code.replace(call, '__tfjsWebgpu')}`;
    },
  };
}

export default defineConfig({
  base: './',
  // ssm-core's host kernels and its Dawn loader (the `webgpu` package, Node's WebGPU) import Node
  // modules; the browser never calls them (it has navigator.gpu).
  resolve: {
    alias: [
      { find: /^(node:)?(fs|path|os|worker_threads)$/, replacement: shim },
      { find: /^webgpu$/, replacement: shim },
    ],
  },
  // Node-only switches read by ssm-core (process is undefined in a browser).
  define: {
    'process.env.STATESPACE_FORCE_REFERENCE': 'undefined',
    'process.env.STATESPACE_BACKEND': 'undefined',
    'process.env.STATESPACE_THREADS': 'undefined',
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  plugins: [tfjsWasmBinaries(), webgpuRequireAsImport()],
});
