import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './initBackend';

describe('initBackend', () => {
  const saved = process.env.STATESPACE_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.STATESPACE_BACKEND;
    else process.env.STATESPACE_BACKEND = saved;
  });

  it('picks tensorflow when importable, else webgpu on a real GPU, else wasm (neither here)', async () => {
    delete process.env.STATESPACE_BACKEND;
    const choice = await initBackend();
    let nodeInstalled = true;
    try {
      require.resolve('@tensorflow/tfjs-node');
    } catch {
      nodeInstalled = false;
    }
    expect(choice.backend).toBe(nodeInstalled ? 'tensorflow' : 'wasm');
    expect(choice.reason).toBe('auto');
    expect(tf.getBackend()).toBe(choice.backend);
    // webgpu is tried second; there is no GPU here, and SwiftShader is never chosen automatically.
    if (!nodeInstalled) expect(choice.skipped.map((s) => s.backend)).toEqual(['tensorflow', 'webgpu']);
  });

  it('honours the option over STATESPACE_BACKEND', async () => {
    process.env.STATESPACE_BACKEND = 'wasm';
    const choice = await initBackend({ backend: 'cpu' });
    expect(choice).toMatchObject({ backend: 'cpu', reason: 'option' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('honours STATESPACE_BACKEND', async () => {
    process.env.STATESPACE_BACKEND = 'cpu';
    const choice = await initBackend();
    expect(choice).toMatchObject({ backend: 'cpu', reason: 'env' });
  });

  it('names the variable and the backend when a forced backend cannot start', async () => {
    process.env.STATESPACE_BACKEND = 'nosuch';
    await expect(initBackend()).rejects.toThrow(/STATESPACE_BACKEND: could not start backend 'nosuch'/);
  });
});
