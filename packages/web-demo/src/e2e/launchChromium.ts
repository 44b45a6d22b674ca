import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Debian chromium with WebGPU exposed. With no GPU driver, chromium's WebGPU (Dawn) runs
 * on its bundled SwiftShader Vulkan driver (CPU emulation) once --enable-unsafe-webgpu is given
 * (headless chromium blocks WebGPU on Linux otherwise). The network flags keep chromium from
 * calling out (this machine's network is closed). Playwright gives it a fresh user-data-dir.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60000 });
}
