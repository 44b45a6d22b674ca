import * as fs from 'fs';
import * as path from 'path';
import { CHROMIUM_ICD, setupSwiftShader } from './swiftShader';

/** The parts of the WebGPU API used here (the package compiles without DOM / @webgpu types). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
export interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}
export interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>;
}

export interface AdapterReport {
  /** e.g. "google swiftshader (SwiftShader driver 5.0.0)" */
  name: string;
  /** True for SwiftShader / a fallback (CPU) adapter: fine for tests, never for real work. */
  software: boolean;
}

export function describeAdapter(adapter: AdapterLike): AdapterReport {
  const i = adapter.info ?? {};
  const parts = [i.vendor, i.architecture, i.device].filter((s) => s);
  const name = `${parts.join(' ') || 'unknown adapter'}${i.description ? ` (${i.description})` : ''}`;
  const software = i.isFallbackAdapter === true || adapter.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe/i.test(name);
  return { name, software };
}

type DawnModule = { create(flags: string[]): GpuLike; globals: Record<string, unknown> };

/**
 * Loads Dawn for Node (the optional `webgpu` package). Its entry is an ES module: plain Node
 * (>= 20.19) requires it; where require(esm) is unavailable (jest's module system), the native
 * addon it wraps is loaded directly.
 */
function loadDawn(): DawnModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('webgpu') as DawnModule;
  } catch (first) {
    let dir: string;
    try {
      dir = path.dirname(require.resolve('webgpu/package.json'));
    } catch {
      throw new Error(`the optional package 'webgpu' (Dawn for Node) is not installed: npm install webgpu (${(first as Error).message.split('\n')[0]})`);
    }
    const arch = process.platform === 'darwin' ? 'universal' : process.arch;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(dir, 'dist', `${process.platform}-${arch}`, 'dawn.node')) as DawnModule;
  }
}

let nodeGpu: GpuLike | undefined;

/** navigator.gpu in a browser; in Node, Dawn's GPU installed as globalThis.navigator.gpu (with the GPU* globals tfjs reads). */
export function getGpu(): GpuLike {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error('this browser has no navigator.gpu: use a browser with WebGPU enabled (Chrome/Edge 113+, Safari 18+, Firefox 141+), or a secure (https/localhost) page');
  }
  if (!nodeGpu) {
    const dawn = loadDawn();
    for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
    nodeGpu = dawn.create([]);
  }
  if (nav) Object.defineProperty(nav, 'gpu', { value: nodeGpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: nodeGpu }, configurable: true, writable: true });
  return nodeGpu;
}

export const NO_ADAPTER_HELP =
  'no WebGPU adapter: no GPU driver was found. On a machine with a GPU install its Vulkan (Linux), Metal (macOS) or D3D12 (Windows) driver ' +
  '(Linux: the vendor driver plus libvulkan1). For CPU emulation in tests/CI only: apt-get install chromium, then ' +
  `VK_ICD_FILENAMES=${CHROMIUM_ICD} XDG_RUNTIME_DIR=$(mktemp -d) (SwiftShader: slow, correctness only)`;

/**
 * Requests an adapter, and reports it. With `allowSoftware` (the backend was named, or tests),
 * when no driver is found in Node, retries with chromium's SwiftShader if it is installed.
 */
export async function requestAdapter(allowSoftware: boolean): Promise<{ adapter: AdapterLike; report: AdapterReport } | { error: string }> {
  const inNode = typeof process !== 'undefined' && process.versions?.node != null;
  // Without a Vulkan loader Dawn finds no adapter and prints a warning on every start: skip it
  // quietly for automatic selection; when webgpu is named, go straight to SwiftShader.
  if (inNode && !hasSystemVulkanLoader() && nodeGpu === undefined) {
    if (!allowSoftware) return { error: `${NO_ADAPTER_HELP} [no Vulkan loader libvulkan.so.1 on this system]` };
    if (!setupSwiftShader()) return { error: NO_ADAPTER_HELP };
  }
  let gpu: GpuLike;
  try {
    gpu = getGpu();
  } catch (e) {
    return { error: (e as Error).message };
  }
  let adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter && allowSoftware && inNode && setupSwiftShader()) {
    // Vulkan reads VK_ICD_FILENAMES when an instance is created: a fresh Dawn instance sees it.
    nodeGpu = undefined;
    delete (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    gpu = getGpu();
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  }
  if (!adapter) return { error: NO_ADAPTER_HELP };
  return { adapter, report: describeAdapter(adapter) };
}

/**
 * Linux only: whether a system Vulkan loader exists where the dynamic linker looks (Dawn dlopens
 * libvulkan.so.1 by name). Other platforms use Metal / D3D12: true.
 */
function hasSystemVulkanLoader(): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '/usr/lib64', '/usr/lib', '/lib64', '/lib', '/usr/local/lib'];
  return dirs.some((d) => fs.existsSync(path.join(d, 'libvulkan.so.1')));
}
