import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CommonJS build registers no gradients; tfjs-layers' build registers them all
// (the reference twins and the smoke case differentiate plain tf ops).
import '@tensorflow/tfjs-layers';
import { initBackend } from '../src/backend/initBackend';
import { adapterReport } from './adapter';
import { BenchOptions, parseArgs } from './args';
import { withBandwidthBound } from './bandwidth';
import { ALL_CASES, EXTRA_CASES } from './cases';
import { jsonLine, speedups, tableHeader, tableRow } from './report';
import { runCase } from './runner';
import { expandShapes } from './shapes';
import { runTasks } from './tasks';
import { BenchCase, BenchResult, Impl } from './types';

/** The (case, impl, backend) runs selected by the options, grouped by backend (one switch each). */
function plan(o: BenchOptions): { backend: string; c: BenchCase; impl: Impl }[] {
  const pool = o.op ? [...ALL_CASES, ...EXTRA_CASES].filter((c) => c.op === o.op) : ALL_CASES;
  if (pool.length === 0) {
    const names = [...new Set([...ALL_CASES, ...EXTRA_CASES].map((c) => c.op))].join(', ');
    throw new Error(`bench: no cases for --op ${o.op}; known ops: ${names}`);
  }
  const cases = expandShapes(o.quick ? pool.filter((c) => c.quick) : pool, o.shapes);
  const out: { backend: string; c: BenchCase; impl: Impl }[] = [];
  const caseRefs = o.backendGiven ? [] : pool.flatMap((c) => (c.referenceBackend ? [c.referenceBackend] : []));
  const backends = [...new Set([...o.fusedBackends, ...o.referenceBackends, ...caseRefs])];
  for (const backend of backends) {
    for (const c of cases) {
      for (const impl of ['fused', 'reference'] as Impl[]) {
        if (o.impl && o.impl !== impl) continue;
        const refOn = !o.backendGiven && c.referenceBackend ? [c.referenceBackend] : o.referenceBackends;
        const on = impl === 'fused' ? o.fusedBackends : refOn;
        if (on.includes(backend)) out.push({ backend, c, impl });
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  // --tasks: train the synthetic tasks (bench/tasks) instead of timing the kernels.
  if (process.argv.includes('--tasks')) return runTasks(process.argv.slice(2));
  const o = parseArgs(process.argv.slice(2));
  if (o.adapter) {
    console.log(JSON.stringify(await adapterReport(o.backendGiven ? o.fusedBackends[0] : undefined)));
    return;
  }
  const runs = plan(o);
  const started = performance.now();
  if (!o.json) {
    console.log(`statespace ssm-core benchmark: ${o.runs} runs after ${o.warmup} warm-up, median; `
      + `budget ${o.budgetS} s per measurement${o.quick ? ' (quick)' : ''}`);
    console.log(tableHeader());
  }
  const results: BenchResult[] = [];
  let current = '';
  for (const { backend, c, impl } of runs) {
    if (backend !== current) {
      await initBackend({ backend });
      current = backend;
    }
    const r = withBandwidthBound(await runCase(c, impl, backend, o), o.peakGbps);
    results.push(r);
    console.log(o.json ? jsonLine(r) : tableRow(r));
  }
  if (!o.json) {
    const lines = speedups(results);
    if (lines.length) console.log(`\n${lines.join('\n')}`);
    console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s; tfjs ${tf.version_core}`);
  }
}

main().then(
  // Exit explicitly: a started webgpu device keeps Node's event loop alive.
  () => process.exit(0),
  (e: Error) => {
    console.error(e.message);
    process.exit(1);
  },
);
