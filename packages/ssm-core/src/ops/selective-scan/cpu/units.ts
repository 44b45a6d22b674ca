import { Arena } from '../../../runtime/arena';
import { runParallel, threadCount } from '../../../runtime/parallel';
import { MODULE } from './moduleName';

/** Below this many state updates a call runs on the calling thread (a pool round trip costs ~0.1 ms). */
const PARALLEL_MIN_UPDATES = 1 << 17;

/**
 * Runs the SIMD module's `fn(params, b, j0, j1, scratch)` over work units: `tasks` on the calling
 * thread for small problems, else the finer `parallelTasks` on the worker pool. Each thread
 * gets its own scratch block (O(L), independent of N).
 */
export function runUnits(
  arena: Arena,
  fn: 'forwardUnits' | 'backwardUnits',
  params: number,
  tasks: number[][],
  parallelTasks: number[][],
  L: number,
  updates: number,
): void {
  const stride = arena.exports.scratchBytes(L) as number;
  const parallel = updates >= PARALLEL_MIN_UPDATES && threadCount() > 1 && parallelTasks.length > 1;
  if (!parallel) {
    // One scratch block, so strictly one thread (runParallel would use the pool for >1 task).
    const scratch = arena.alloc(stride / 4);
    const f = arena.exports[fn];
    for (const t of tasks) f(params, ...t, scratch);
    return;
  }
  const threads = Math.min(threadCount(), parallelTasks.length);
  const scratch = arena.alloc((threads * stride) / 4);
  runParallel({ module: MODULE, fn, tasks: parallelTasks.map((t) => [params, ...t]), scratchBase: scratch, scratchStride: stride });
}
