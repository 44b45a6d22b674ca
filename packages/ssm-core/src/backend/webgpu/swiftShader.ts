import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Debian's chromium package ships a Vulkan loader and the SwiftShader (CPU) Vulkan driver here. */
export const CHROMIUM_DIR = '/usr/lib/chromium';
export const CHROMIUM_ICD = path.join(CHROMIUM_DIR, 'vk_swiftshader_icd.json');
const RTLD_NOW = 2;
const RTLD_GLOBAL = 0x100;
const RTLD_NODELETE = 0x1000; // glibc; not in os.constants.dlopen

/**
 * Points Vulkan at chromium's SwiftShader driver when nothing else is configured: sets
 * VK_ICD_FILENAMES and XDG_RUNTIME_DIR if absent, and preloads chromium's libvulkan.so.1 (Dawn
 * dlopens it by name, and Debian installs no system loader with chromium). SwiftShader runs the
 * GPU kernels on the CPU: for correctness tests in CI, never for speed. Returns false when the
 * chromium driver is not installed (apt-get install chromium).
 */
export function setupSwiftShader(): boolean {
  if (process.env.VK_ICD_FILENAMES === undefined) {
    if (!fs.existsSync(CHROMIUM_ICD)) return false;
    process.env.VK_ICD_FILENAMES = CHROMIUM_ICD;
  }
  if (process.env.XDG_RUNTIME_DIR === undefined) {
    process.env.XDG_RUNTIME_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'statespace-xdg-'));
  }
  preloadVulkanLoader();
  return true;
}

/**
 * Loads chromium's Vulkan loader with RTLD_NODELETE so that Dawn's later dlopen('libvulkan.so.1')
 * finds it by soname. process.dlopen then throws "did not self-register" (it is no Node addon):
 * expected, the library stays loaded.
 */
function preloadVulkanLoader(): void {
  const lib = path.join(CHROMIUM_DIR, 'libvulkan.so.1');
  if (process.platform !== 'linux' || !fs.existsSync(lib)) return;
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, lib, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
  } catch {
    // expected: not a Node addon
  }
}
