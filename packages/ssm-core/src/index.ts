export { initBackend } from './backend/initBackend';
export type { BackendChoice, BackendName, InitBackendOptions } from './backend/initBackend';
export { registerFusedKernels } from './kernels/registerAll';
export * from './io';
export * from './train';
export * from './layers/norm';
