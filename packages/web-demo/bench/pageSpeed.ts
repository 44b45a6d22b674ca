/**
 * Tokens/s of the built demo page in headless chromium, one JSON line per backend:
 *   npm run bench -w @statespace/web-demo [-- --tokens 128 --webgpu-tokens 24]
 * webgpu runs on whatever adapter chromium exposes (SwiftShader = CPU emulation on a machine
 * without a GPU driver: the line says so). Never asserted anywhere: timings are noisy.
 */
import { parseArgs } from 'util';
import { buildIfNeeded, DIST_DIR } from '../src/e2e/buildIfNeeded';
import { launchChromium } from '../src/e2e/launchChromium';
import { serveDir } from '../src/e2e/serveDir';

interface PageResult {
  backend: string;
  adapter?: { name: string; software: boolean };
  kernels: string;
  tokens: number[];
  tokensPerSecond: number;
  firstTokenMs: number;
  params: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tokens: { type: 'string', default: '128' }, 'webgpu-tokens': { type: 'string', default: '24' } } });
  const counts: Record<string, number> = { wasm: Number(values.tokens), cpu: Number(values.tokens), webgpu: Number(values['webgpu-tokens']) };
  for (const [k, v] of Object.entries(counts)) {
    if (!Number.isInteger(v) || v < 2) throw new Error(`pageSpeed: --${k === 'webgpu' ? 'webgpu-tokens' : 'tokens'} must be an integer >= 2, received ${v}`);
  }
  buildIfNeeded();
  const server = await serveDir(DIST_DIR);
  const browser = await launchChromium();
  try {
    for (const backend of ['wasm', 'cpu', 'webgpu']) {
      const page = await browser.newPage();
      await page.goto(`${server.url}?backend=${backend}&tokens=${counts[backend]}`);
      await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 300000 });
      const r = await page.evaluate(() => (window as unknown as { __demoResult?: unknown }).__demoResult as PageResult | undefined);
      const error = await page.evaluate(() => (window as unknown as { __demoError?: string }).__demoError);
      await page.close();
      const line = r
        ? { bench: 'web-demo-generate', backend: r.backend, adapter: r.adapter?.name, softwareAdapter: r.adapter?.software ?? false, kernels: r.kernels.split(':')[0], params: r.params, tokens: r.tokens.length, tokensPerSecond: +r.tokensPerSecond.toFixed(2), firstTokenMs: Math.round(r.firstTokenMs) }
        : { bench: 'web-demo-generate', backend, error: error?.split('\n')[0] };
      console.log(JSON.stringify(line));
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
