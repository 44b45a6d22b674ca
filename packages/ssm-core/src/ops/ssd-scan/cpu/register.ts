/** Registers the fused ssdScan kernels and gradient for the cpu and wasm backends. (placeholder: being written) */
export function registerSsdScanKernels(): void {}
