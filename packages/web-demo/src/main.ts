import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, type DemoBackend } from './chooseBackend';
import { loadDemoModel } from './loadDemoModel';
import { decode, DEMO_MODEL, encode, generateSteps } from './stepGenerator';

/** What the page reports when it is done; the end-to-end test reads window.__demoResult. */
export interface DemoResult {
  backend: string;
  reason: string;
  adapter?: { name: string; software: boolean };
  kernels: string;
  prompt: string;
  tokens: number[];
  text: string;
  /** Tokens per second after the first token (which also compiles the shaders / warms up). */
  tokensPerSecond: number;
  firstTokenMs: number;
  params: number;
}

const DEFAULT_PROMPT = 'the state space model ';
const el = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

function readParams(): { backend: DemoBackend | 'auto'; tokens: number; prompt: string } {
  const q = new URLSearchParams(location.search);
  const backend = q.get('backend') ?? 'auto';
  if (!['auto', 'webgpu', 'wasm', 'cpu'].includes(backend)) throw new Error(`?backend= must be webgpu, wasm or cpu, received ${JSON.stringify(backend)}`);
  const tokens = Number(q.get('tokens') ?? 64);
  if (!Number.isInteger(tokens) || tokens < 1) throw new Error(`?tokens= must be an integer >= 1, received ${JSON.stringify(q.get('tokens'))}`);
  const prompt = q.get('prompt') ?? DEFAULT_PROMPT;
  encode(prompt); // throws naming the first character outside the alphabet
  if (prompt.length === 0) throw new Error('?prompt= must hold at least one character');
  return { backend: backend as DemoBackend | 'auto', tokens, prompt };
}

async function run(): Promise<DemoResult> {
  const { backend, tokens: steps, prompt } = readParams();
  const choice = await chooseBackend(backend, new URL('tfjs-wasm/', location.href).href);
  el('backend').textContent = choice.backend + (choice.adapter?.software ? ' (SwiftShader, CPU emulation)' : '');
  el('reason').textContent = choice.reason;
  el('kernels').textContent = choice.kernels;
  const model = await loadDemoModel(new URL('model/', location.href).href);
  const params = model.countParams();
  el('model').textContent = `${DEMO_MODEL.nLayers} Mamba blocks, dModel ${DEMO_MODEL.dModel}, dState ${DEMO_MODEL.dState}, ${params.toLocaleString()} parameters, trained on this project's docs (model/model.json)`;
  const out = el('output');
  out.textContent = '';
  const shown = document.createElement('b');
  shown.textContent = prompt;
  const generated = document.createElement('span');
  out.append(shown, generated);
  const tokens: number[] = [];
  const t0 = performance.now();
  let tFirst = t0;
  for await (const token of generateSteps(model, encode(prompt), steps, { temperature: 0.8, seed: DEMO_MODEL.seed })) {
    tokens.push(token);
    generated.textContent += decode([token]);
    const now = performance.now();
    if (tokens.length === 1) tFirst = now;
    const rate = tokens.length > 1 ? ((tokens.length - 1) * 1000) / (now - tFirst) : 0;
    el('rate').textContent = `${tokens.length}/${steps} tokens · ${rate.toFixed(1)} tokens/s (after the first token, ${(tFirst - t0).toFixed(0)} ms incl. prompt and warm-up)`;
  }
  const tEnd = performance.now();
  model.dispose();
  return {
    ...choice,
    prompt,
    tokens,
    text: decode(tokens),
    tokensPerSecond: tokens.length > 1 ? ((tokens.length - 1) * 1000) / (tEnd - tFirst) : 0,
    firstTokenMs: tFirst - t0,
    params,
  };
}

declare global {
  interface Window {
    __demoResult?: DemoResult;
    __demoError?: string;
  }
}

run().then(
  (result) => {
    window.__demoResult = result;
    document.body.dataset.state = 'done';
    console.log(`statespace demo: ${result.tokens.length} tokens on ${result.backend} at ${result.tokensPerSecond.toFixed(1)} tokens/s (tensors alive: ${tf.memory().numTensors})`);
  },
  (e: unknown) => {
    const msg = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    window.__demoError = msg;
    el('error').textContent = msg;
    document.body.dataset.state = 'error';
  },
);
