/** The selective scan's SIMD module (dist-wasm/selective_scan.wasm). */
export const MODULE = 'selective_scan';
