import { simdModule, SimdModule } from './simdModule';

/**
 * A bump allocator over one SIMD module's memory for one kernel call: allocate every buffer
 * first (the memory may grow), then take views, run, copy out, and let the arena go.
 * Kernels run synchronously, so one arena at a time is enough; nested use throws.
 */
export class Arena {
  private offset: number;
  private readonly mod: SimdModule;
  private static readonly active = new Set<string>();
  private static peak = 0;

  private constructor(name: string) {
    this.mod = simdModule(name);
    this.offset = align(this.mod.heapBase);
  }

  /**
   * Runs `fn` with a fresh arena on module dist-wasm/`name`.wasm; the scratch memory is reused
   * by the next call on that module.
   */
  static with<T>(name: string, fn: (arena: Arena) => T): T {
    if (Arena.active.has(name)) throw new Error(`Arena.with('${name}'): nested calls on one module are not supported`);
    Arena.active.add(name);
    try {
      return fn(new Arena(name));
    } finally {
      Arena.active.delete(name);
    }
  }

  get exports(): SimdModule['exports'] {
    return this.mod.exports;
  }

  /** Reserves `count` 4-byte elements (f32 or i32), 16-byte aligned; returns the byte offset. */
  alloc(count: number): number {
    const ptr = this.offset;
    this.offset = align(ptr + count * 4);
    Arena.peak = Math.max(Arena.peak, this.bytesUsed);
    const need = this.offset - this.mod.memory.buffer.byteLength;
    if (need > 0) this.mod.memory.grow(Math.ceil(need / 65536));
    return ptr;
  }

  /** Allocates and fills from `src` (a typed array of 4-byte elements). */
  put(src: Float32Array | Int32Array): number {
    const ptr = this.alloc(src.length);
    if (src instanceof Int32Array) this.i32(ptr, src.length).set(src);
    else this.f32(ptr, src.length).set(src);
    return ptr;
  }

  /** Allocates `count` zeroed elements. */
  zeros(count: number): number {
    const ptr = this.alloc(count);
    this.f32(ptr, count).fill(0);
    return ptr;
  }

  /** A view; take it after the last alloc of the call (growth detaches old views). */
  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.mod.memory.buffer, ptr, count);
  }

  i32(ptr: number, count: number): Int32Array {
    return new Int32Array(this.mod.memory.buffer, ptr, count);
  }

  /**
   * Largest scratch (bytes) any kernel call used since the last reset: benchmarks add it to the
   * tensor bytes tf.profile reports to get an op's peak extra memory.
   */
  static peakBytes(reset = false): number {
    const p = Arena.peak;
    if (reset) Arena.peak = 0;
    return p;
  }

  /** Bytes of scratch in use by this call (for benchmarks' peak-memory figures). */
  get bytesUsed(): number {
    return this.offset - align(this.mod.heapBase);
  }
}

function align(n: number): number {
  return (n + 15) & ~15;
}
