#!/usr/bin/env node
// Compiles a package's AssemblyScript SIMD kernels: each src/ops/<op>/simd/<name>.ts becomes
// dist-wasm/<name>.wasm (with assembly/heap.ts, which exports heapBase for the host's arena).
// AssemblyScript is a pure-npm compiler, so `npm ci` on any machine can build the kernels: no
// clang, emscripten or native toolchain. One module per op keeps ops independent. Skips a
// module whose output is newer than its sources; `--force` rebuilds all.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const pkgDir = process.cwd();
const opsDir = path.join(pkgDir, 'src', 'ops');
const outDir = path.join(pkgDir, 'dist-wasm');
const heap = path.join(pkgDir, 'assembly', 'heap.ts');
const mathLib = path.join(pkgDir, 'assembly', 'simd_math.ts');
const asc = require.resolve('assemblyscript/bin/asc.js');
const force = process.argv.includes('--force');
// `build-wasm.js selective_scan fft_conv` builds only those modules.
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

fs.mkdirSync(outDir, { recursive: true });
for (const op of fs.existsSync(opsDir) ? fs.readdirSync(opsDir) : []) {
  const simdDir = path.join(opsDir, op, 'simd');
  if (!fs.existsSync(simdDir)) continue;
  const files = fs.readdirSync(simdDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(simdDir, f));
  // Entry: the file named like the folder's module (no leading underscore); helpers may sit beside it.
  for (const entry of files.filter((f) => !path.basename(f).startsWith('_'))) {
    const name = path.basename(entry, '.ts');
    if (only.length > 0 && !only.includes(name)) continue;
    const out = path.join(outDir, name + '.wasm');
    const newest = Math.max(...[...files, heap, mathLib, __filename].map((s) => fs.statSync(s).mtimeMs));
    if (!force && fs.existsSync(out) && fs.statSync(out).mtimeMs >= newest) continue;
    execFileSync(process.execPath, [
      asc, entry, heap,
      '-O3', '--noAssert',
      '--enable', 'simd', '--enable', 'threads',
      '--runtime', 'stub',
      // Memory is created by the host (shared, so a worker pool can run one kernel on every core).
      '--importMemory', '--sharedMemory', '--initialMemory', '64', '--maximumMemory', '32768',
      '-o', out,
    ], { stdio: 'inherit' });
    console.log(`build-wasm: ${path.relative(pkgDir, out)} (${fs.statSync(out).size} bytes)`);
  }
}
