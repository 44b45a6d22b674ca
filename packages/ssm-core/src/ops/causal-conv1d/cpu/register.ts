/** Registers the fused causalConv1d kernels and gradient for the cpu and wasm backends. (placeholder: being written) */
export function registerCausalConv1dKernels(): void {}
