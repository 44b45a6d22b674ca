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
  /** --kernel-time: also the summed kernel (on webgpu: GPU timestamp) time of each call, from tf.time. */
  kernelTime: boolean;
  /** --shape K=v,...: overrides of the selected cases' shapes (one run per --shape given). */
  shapes: Record<string, number>[];
  /** --adapter: print the backend and (webgpu) adapter that would run, then exit. */
  adapter: boolean;
}

const USAGE = `usage: bench [--json] [--backend cpu|wasm|webgpu|all] [--quick] [--op <name>] [--impl fused|reference]
             [--runs N] [--budget SECONDS] [--peak-gbps GB_PER_S] [--kernel-time] [--shape K=V,...]...
       bench --adapter [--backend webgpu]   (print the backend/adapter that runs, as JSON, and exit)
       bench --tasks [...]  (train the synthetic tasks instead; see bench --tasks --help)
  default: fused kernels on wasm and cpu, reference twins on wasm; 7 runs after 1 warm-up.
  --quick: wasm only (unless --backend), 3 runs, no L >= 16384 cases, 12 s budget per measurement.
  --peak-gbps: the device's peak memory bandwidth (e.g. 3350 for an H100 SXM): selectiveScan and fftConv
    lines then carry bound_ms / bound_fwd_bwd_ms = bytes / bandwidth (they always carry bytes).
  --kernel-time: each line also carries kernel_fwd_ms / kernel_fwd_bwd_ms (tf.time's kernelMs, median of 5:
    on webgpu the sum of every dispatch's GPU time from timestamp queries) and kernel_top_fwd_bwd (the
    largest programs' GPU time).
  --shape K=V,...: run each selected case at its shape with these entries replaced (keys the case has,
    positive integers); repeat for several shapes, e.g. --op fftConvFft --shape B=8,H=256 (the crossover
    sweep over L at B 8, H 256), --op fftConv --shape B=2,H=16,L=4096.`;

/** Parses "K=V,K=V" (positive integers) for --shape. */
export function parseShape(raw: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const m = /^([A-Za-z]\w*)=(\d+)$/.exec(part.trim());
    if (!m || Number(m[2]) < 1) throw new Error(`bench: --shape expects K=V,... with positive integer values (e.g. B=8,H=256), got '${raw}' (at '${part}')\n${USAGE}`);
    if (m[1] in out) throw new Error(`bench: --shape names '${m[1]}' twice in '${raw}'`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Parses the command line (after `--` when run through npm). Throws with usage on bad input. */
export function parseArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    json: false, fusedBackends: ['wasm', 'cpu'], referenceBackends: ['wasm'], backendGiven: false,
    quick: false, runs: 7, warmup: 1, budgetS: 60, kernelTime: false, shapes: [], adapter: false,
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
    } else if (a === '--kernel-time') o.kernelTime = true;
    else if (a === '--adapter') o.adapter = true;
    else if (a === '--shape') o.shapes.push(parseShape(value()));
    else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else throw new Error(`bench: unknown argument '${a}'\n${USAGE}`);
  }
  if (o.quick) {
    if (!runsGiven) o.runs = 3;
    if (!budgetGiven) o.budgetS = 12;
    // The short run (the demo's) shows fused vs reference on one backend to stay under 2 minutes.
    if (!backendGiven) o.fusedBackends = ['wasm'];
  }
  o.backendGiven = backendGiven;
  return o;
}
