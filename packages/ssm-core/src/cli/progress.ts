/** Minimal writable: process.stderr, or a fake in tests. */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  total: number;
  label?: string;
  /** Default process.stderr (stdout is kept for the JSON result). */
  stream?: ProgressStream | NodeJS.WriteStream;
  quiet?: boolean;
  /** Clock in ms (tests inject one). */
  now?: () => number;
  /** Non-TTY: least ms between plain lines (default 5000). */
  plainIntervalMs?: number;
}

const BAR_WIDTH = 24;
const TTY_INTERVAL_MS = 100;

function fmtTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function fmtMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : a >= 100 ? v.toFixed(1) : v.toFixed(4);
}

/**
 * Progress with rate and ETA. On a TTY it redraws one line in place (throttled to 10/s); otherwise it
 * prints a plain line at most every 5 s and at 100%, so logs stay readable. Hand-written: the usual
 * packages (cli-progress, progress) are not dependencies and this is ~80 lines.
 */
export class ProgressBar {
  private readonly total: number;
  private readonly label: string;
  private readonly stream: ProgressStream;
  private readonly quiet: boolean;
  private readonly now: () => number;
  private readonly plainInterval: number;
  private readonly start: number;
  private count = 0;
  private metrics: Record<string, number> = {};
  private lastDraw = -Infinity;
  private printedFinal = false;
  private finished = false;

  constructor(opts: ProgressBarOptions) {
    if (!Number.isFinite(opts.total) || opts.total < 0) {
      throw new Error(`ProgressBar: option 'total' must be a finite number >= 0, received ${String(opts.total)}`);
    }
    this.total = opts.total;
    this.label = opts.label ?? '';
    this.stream = opts.stream ?? process.stderr;
    this.quiet = opts.quiet ?? false;
    this.now = opts.now ?? (() => Date.now());
    this.plainInterval = opts.plainIntervalMs ?? 5000;
    this.start = this.now();
    // Plain logs: the first line after one interval, so short runs print just the final line(s).
    if (!this.isTTY) this.lastDraw = this.start;
  }

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  /** Advances by n (default 1) and updates the shown metrics. */
  tick(n = 1, metrics?: Record<string, number>): void {
    this.count = Math.min(this.total, this.count + n);
    if (metrics) this.metrics = { ...this.metrics, ...metrics };
    if (this.quiet || this.finished) return;
    const t = this.now();
    const atEnd = this.count >= this.total;
    if (this.isTTY) {
      if (atEnd || t - this.lastDraw >= TTY_INTERVAL_MS) this.draw(t);
    } else if ((atEnd && !this.printedFinal) || t - this.lastDraw >= this.plainInterval) {
      this.draw(t);
      if (atEnd) this.printedFinal = true;
    }
  }

  /** Final state (with optional final metrics); ends the TTY line. */
  done(metrics?: Record<string, number>): void {
    if (this.finished) return;
    if (metrics) this.metrics = { ...this.metrics, ...metrics };
    this.finished = true;
    if (this.quiet) return;
    if (this.isTTY) {
      this.draw(this.now());
      this.stream.write('\n');
    } else if (!this.printedFinal || metrics) {
      this.draw(this.now());
    }
  }

  /** The status text, e.g. "epoch 1/3 [####....] 45% 120/266 loss 0.4312 | 12.3 it/s ETA 0:12". */
  line(t = this.now()): string {
    const frac = this.total > 0 ? this.count / this.total : 1;
    const elapsed = (t - this.start) / 1000;
    const rate = elapsed > 0 ? this.count / elapsed : 0;
    const eta = this.count >= this.total ? 0 : rate > 0 ? (this.total - this.count) / rate : NaN;
    const filled = Math.round(frac * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    const m = Object.entries(this.metrics).map(([k, v]) => ` ${k} ${fmtMetric(v)}`).join('');
    const head = this.label ? `${this.label} ` : '';
    const tail = this.count >= this.total ? `${fmtTime(elapsed)}` : `ETA ${fmtTime(eta)}`;
    return `${head}${bar} ${Math.floor(frac * 100)}% ${this.count}/${this.total}${m} | ${rate.toFixed(1)} it/s ${tail}`;
  }

  private draw(t: number): void {
    this.lastDraw = t;
    let text = this.line(t);
    if (this.isTTY) {
      const cols = this.stream.columns;
      if (cols !== undefined && cols > 10 && text.length >= cols) text = text.slice(0, cols - 1);
      this.stream.write(`\r${text}\x1b[K`);
    } else {
      this.stream.write(`${text}\n`);
    }
  }
}
