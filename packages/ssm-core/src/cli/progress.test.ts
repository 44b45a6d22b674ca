import { ProgressBar } from './progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 200, write: (s: string) => writes.push(s) } };
}

describe('ProgressBar', () => {
  it('non-TTY: a plain line at most every 5 s and one at 100%', () => {
    const { writes, stream } = fakeStream(false);
    let t = 0;
    const bar = new ProgressBar({ total: 10, label: 'epoch 1/2', stream, now: () => t });
    for (let i = 0; i < 10; i++) {
      t += 1000; // 1 s per step
      bar.tick(1, { loss: 1 / (i + 1) });
    }
    bar.done();
    // t = 5 s (first line: the clock starts at -Infinity last draw → drawn at step 1), 6 s later... count lines:
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes.length).toBeLessThanOrEqual(4);
    const last = writes[writes.length - 1];
    expect(last).toMatch(/^epoch 1\/2 \[#{24}\] 100% 10\/10 loss 0\.1000 \| 1\.0 it\/s 0:10\n$/);
    expect(writes.filter((w) => w.includes('100%')).length).toBe(1);
  });

  it('TTY: redraws in place with carriage return, shows ETA, ends with a newline', () => {
    const { writes, stream } = fakeStream(true);
    let t = 0;
    const bar = new ProgressBar({ total: 4, stream, now: () => t });
    t = 1000;
    bar.tick(1, { loss: 0.5, acc: 0.25 });
    expect(writes[0]).toBe('\r[######..................] 25% 1/4 loss 0.5000 acc 0.2500 | 1.0 it/s ETA 0:03\x1b[K');
    t = 1050;
    bar.tick(); // throttled (< 100 ms)
    expect(writes.length).toBe(1);
    t = 2000;
    bar.tick(2);
    bar.done({ loss: 0.1 });
    expect(writes[writes.length - 1]).toBe('\n');
    expect(writes[writes.length - 2]).toBe(`\r[${'#'.repeat(24)}] 100% 4/4 loss 0.1000 acc 0.2500 | 2.0 it/s 0:02\x1b[K`);
  });

  it('quiet writes nothing; bad total is refused', () => {
    const { writes, stream } = fakeStream(true);
    const bar = new ProgressBar({ total: 3, stream, quiet: true });
    bar.tick(3);
    bar.done();
    expect(writes).toEqual([]);
    expect(() => new ProgressBar({ total: NaN })).toThrow(/option 'total' must be a finite number >= 0, received NaN/);
  });
});
