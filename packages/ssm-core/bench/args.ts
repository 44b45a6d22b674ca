export interface BenchOptions {
  json: boolean;
  /** Backends for the fused kernels; the reference runs on `referenceBackends`. */
  fusedBackends: string[];
  referenceBackends: string[];
  /** True when --backend was given (then cases' own reference backends are not used). */
  backendGiven: boolean;
  quick: boolean;
  op?: string;
  impl?: 'fused' | 'reference';
  runs: number;
  warmup: number;
  /** Seconds a single (case, impl, backend) measurement may take before it is skipped. */
  budgetS: number;
  /** Peak memory bandwidth in GB/s: adds bound_ms (bytes ÷ bandwidth) to ops with a byte model. */
  peakGbps?: number;
}

const USAGE = `usage: bench [--json] [--backend cpu|wasm|webgpu|all] [--quick] [--op <name>] [--impl fused|reference]
             [--runs N] [--budget SECONDS] [--peak-gbps GB_PER_S]
       bench --tasks [...]  (train the synthetic tasks instead; see bench --tasks --help)
  default: fused kernels on wasm and cpu, reference twins on wasm; 7 runs after 1 warm-up.
  --quick: wasm only (unless --backend), 3 runs, no L >= 16384 cases, 12 s budget per measurement.
  --peak-gbps: the device's peak memory bandwidth (e.g. 3350 for an H100 SXM): selectiveScan and fftConv
    lines then carry bound_ms / bound_fwd_bwd_ms = bytes / bandwidth (they always carry bytes).`;

/** Parses the command line (after `--` when run through npm). Throws with usage on bad input. */
export function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    json: false, fusedBackends: ['wasm', 'cpu'], referenceBackends: ['wasm'], backendGiven: false,
    quick: false, runs: 7, warmup: 1, budgetS: 60,
  };
  let runsGiven = false;
  let budgetGiven = false;
  let backendGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--quick') o.quick = true;
    else if (a === '--op') o.op = value();
    else if (a === '--impl') {
      const v = value();
      if (v !== 'fused' && v !== 'reference') throw new Error(`bench: --impl expects fused|reference, got '${v}'\n${USAGE}`);
      o.impl = v;
    } else if (a === '--backend') {
      const v = value();
      backendGiven = true;
      if (v === 'all') { o.fusedBackends = ['wasm', 'cpu']; o.referenceBackends = ['wasm', 'cpu']; }
      else if (v === 'cpu' || v === 'wasm' || v === 'webgpu') { o.fusedBackends = [v]; o.referenceBackends = [v]; }
      else throw new Error(`bench: --backend expects cpu|wasm|webgpu|all, got '${v}'\n${USAGE}`);
    } else if (a === '--runs') {
      o.runs = Number(value());
      runsGiven = true;
      if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error(`bench: --runs expects a positive integer\n${USAGE}`);
    } else if (a === '--budget') {
      o.budgetS = Number(value());
      budgetGiven = true;
      if (!(o.budgetS > 0)) throw new Error(`bench: --budget expects a positive number of seconds\n${USAGE}`);
    } else if (a === '--peak-gbps') {
      const raw = value();
      o.peakGbps = Number(raw);
      if (!(o.peakGbps > 0) || !Number.isFinite(o.peakGbps)) throw new Error(`bench: --peak-gbps expects a positive number of GB/s, got '${raw}'\n${USAGE}`);
    } else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else throw new Error(`bench: unknown argument '${a}'\n${USAGE}`);
  }
  if (o.quick) {
    if (!runsGiven) o.runs = 3;
    if (!budgetGiven) o.budgetS = 12;
    // The short run (the demo's) shows fused vs reference on one backend to stay under 2 minutes.
    if (!backendGiven) o.fusedBackends = ['wasm'];
  o.backendGiven = backendGiven;
  }
  return o;
}
