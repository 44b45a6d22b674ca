/** Registers the fused selectiveScan kernels and gradient for the cpu and wasm backends. (placeholder: being written) */
export function registerSelectiveScanKernels(): void {}
