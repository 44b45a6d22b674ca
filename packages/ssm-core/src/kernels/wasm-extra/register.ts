/** Registers kernels tfjs-backend-wasm lacks. (placeholder: being written) */
export function registerWasmExtraKernels(): void {}
