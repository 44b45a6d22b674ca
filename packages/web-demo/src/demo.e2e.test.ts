import * as fs from 'fs';
import type { Browser, Page } from 'playwright-core';
import { ALPHABET } from './stepGenerator';
import type { DemoResult } from './main';
import { buildIfNeeded, DIST_DIR } from './e2e/buildIfNeeded';
import { CHROMIUM, launchChromium } from './e2e/launchChromium';
import { serveDir } from './e2e/serveDir';

const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.log(`SKIPPED src/demo.e2e.test.ts: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
const describeIfChromium = HAVE_CHROMIUM ? describe : describe.skip;

/** Opens the page with `query`, waits until it is done (or failed), returns its result. */
async function runPage(page: Page, url: string, query: string): Promise<{ state: string; result?: DemoResult; error?: string }> {
  await page.goto(url + query);
  await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 60000 });
  return page.evaluate(() => ({ state: document.body.dataset.state ?? '', result: window.__demoResult, error: window.__demoError }));
}

function expectTokens(r: DemoResult, n: number): void {
  expect(r.tokens).toHaveLength(n);
  for (const t of r.tokens) expect(t >= 0 && t < ALPHABET.length && Number.isInteger(t)).toBe(true);
  expect(r.tokensPerSecond).toBeGreaterThan(0);
}

describeIfChromium('browser demo in headless chromium (end to end)', () => {
  let browser: Browser;
  let page: Page;
  let server: Awaited<ReturnType<typeof serveDir>>;
  let adapter: string | null;
  const pageLog: string[] = [];

  beforeAll(async () => {
    console.log(`web-demo dist/: ${buildIfNeeded()}`);
    server = await serveDir(DIST_DIR);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (m) => pageLog.push(m.text()));
    page.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));
    await page.goto(server.url);
    // What this chromium exposes, asked independently of the page's own code.
    adapter = await page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null> } }).gpu;
      const a = gpu ? await gpu.requestAdapter() : null;
      return a ? `${a.info?.vendor ?? '?'} ${a.info?.architecture ?? '?'}` : null;
    });
    console.log(`chromium WebGPU adapter: ${adapter ?? 'none'}`);
  }, 90000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  let wasmTokens: number[] = [];

  it('auto: generates N tokens on a real backend and says which and why', async () => {
    const { state, result, error } = await runPage(page, server.url, '?tokens=48');
    if (state !== 'done') throw new Error(`page failed: ${error}\n${pageLog.join('\n')}`);
    const r = result as DemoResult;
    expectTokens(r, 48);
    const software = adapter == null || /swiftshader/i.test(adapter);
    // Automatic choice never runs on SwiftShader (as ssm-core's initBackend): wasm then.
    expect(r.backend).toBe(software ? 'wasm' : 'webgpu');
    if (software) expect(r.reason).toMatch(adapter ? /swiftshader.*CPU emulation/i : /webgpu unavailable/i);
    console.log(`auto → ${r.backend}: ${r.tokens.length} tokens, ${r.tokensPerSecond.toFixed(1)} tokens/s (first token ${r.firstTokenMs.toFixed(0)} ms) — ${r.reason} [${r.kernels}]\ntext: ${JSON.stringify(r.text)}`);
    expect(await page.textContent('#backend')).toContain(r.backend);
    expect(await page.textContent('#output')).toContain(r.text);
    const wasm = r.backend === 'wasm' ? r : (await runPage(page, server.url, '?backend=wasm&tokens=48')).result as DemoResult;
    wasmTokens = wasm.tokens;
  }, 60000);

  it('?backend=webgpu: runs the WGSL kernels on the adapter chromium exposes (SwiftShader here) and agrees with wasm', async () => {
    const { state, result, error } = await runPage(page, server.url, '?backend=webgpu&tokens=12');
    if (adapter == null) {
      // Only when this chromium exposes no WebGPU adapter at all: the page must say why.
      expect(state).toBe('error');
      expect(error).toMatch(/WebGPU could not start/);
      console.log(`?backend=webgpu: no WebGPU adapter in this chromium, the page said: ${error?.split('\n')[0]}`);
      return;
    }
    if (state !== 'done') throw new Error(`page failed: ${error}\n${pageLog.join('\n')}`);
    const r = result as DemoResult;
    expect(r.backend).toBe('webgpu');
    expectTokens(r, 12);
    expect(r.kernels).toMatch(/WGSL/);
    if (r.adapter?.software) expect(await page.textContent('#backend')).toContain('SwiftShader');
    // Same seeded weights and sampler: the WGSL path and the wasm reference path pick the same
    // tokens (a float difference could flip a near tie late in a long run; 8 tokens is robust).
    if (wasmTokens.length === 0) wasmTokens = ((await runPage(page, server.url, '?backend=wasm&tokens=8')).result as DemoResult).tokens;
    expect(r.tokens.slice(0, 8)).toEqual(wasmTokens.slice(0, 8));
    console.log(`webgpu (${r.adapter?.name}${r.adapter?.software ? ', CPU emulation' : ''}): ${r.tokens.length} tokens, ${r.tokensPerSecond.toFixed(2)} tokens/s (first token ${r.firstTokenMs.toFixed(0)} ms)`);
  }, 60000);
});
