/** Registers the fused fftConv kernels and gradient for the cpu and wasm backends. (placeholder: being written) */
export function registerFftConvKernels(): void {}
