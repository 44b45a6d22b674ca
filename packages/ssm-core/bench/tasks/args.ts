import { MIXERS, type MixerKind } from './model';
import { TASKS, type TaskName } from './data';

export interface TaskOptions {
  json: boolean;
  backend: string;
  tasks: TaskName[];
  mixers: MixerKind[];
  minutes: number;
  maxSteps: number;
  /** Training length; default 256 for both tasks. */
  seqLen: number;
  /** Eval lengths of induction heads (default 256 … 4096). */
  inductionEvalLens: number[];
  /** Eval lengths of selective copying: --eval-lens when given, else the training length. */
  copyEvalLens?: number[];
  dModel: number;
  nLayers: number;
  dState: number;
  /** Mamba's expand (d_inner = expand · dModel). */
  expand: number;
  /** AdamW decoupled weight decay of the non-SSM weights (not biases, norms). */
  weightDecay: number;
  /** `--profile`: time one training step per kernel (bench/tasks/profile.ts) instead of training. */
  profile: boolean;
  /** Training batch; 0 = the task's default (TASK_DEFAULTS). */
  batch: number;
  lr: number;
  /** Learning rate of the SSM parameters (A_log, D, Δ bias; S4D's Δ, A, B, C). */
  ssmLr: number;
  warmupSteps: number;
  /** Length curriculum (0 = the task's default, TASK_DEFAULTS): start training at this length and double it (up to seqLen) when the train accuracy EMA reaches growAcc. */
  startLen: number;
  growAcc: number;
  /** Stop early once the train accuracy EMA at the final length reaches this (> 1 = never). */
  stopAcc: number;
  seed: number;
}

export const TASK_USAGE = `usage: bench --tasks [--json] [--task selective-copying|induction-heads|all] [--model mamba|s4d|all]
             [--task-minutes M] [--task-steps N] [--task-len L] [--eval-lens 256,512,...] [--d-model D]
             [--layers N] [--d-state N] [--expand E] [--weight-decay W] [--batch B] [--lr LR] [--ssm-lr LR] [--warmup N] [--seed S]
             [--start-len L0] [--grow-acc A] [--stop-acc A] [--backend wasm|cpu] [--profile]
  Trains Embedding → layers × Block(mixer) → RMSNorm → Dense on the Mamba paper's synthetic tasks
  (AdamW lr 6e-3 for all weights incl. the SSM parameters (no decay on those), Mamba dState 32, warmup 50 steps then a cosine over the time budget, clip 1.0)
  for M minutes (default 10) or N steps per (task, model), then reports token accuracy on fresh
  batches at --task-len (default 256); induction heads also at 512 … 4096; --eval-lens sets the
  lengths for both tasks (e.g. selective copying trained at 256, evaluated at 256,512,1024).
  Length curriculum: training starts at L0 and doubles (up to --task-len) whenever the train
  accuracy EMA reaches --grow-acc (default 0.9). Defaults per task: selective copying batch 8,
  L0 = 32 (16 data tokens and 16 markers: plain copying, no noise yet); induction heads batch 32, no curriculum. --stop-acc ends training early once the train
  accuracy EMA at --task-len reaches it.
  --profile: instead of training, times one training step of --model at Selective Copying's shape
  (--task-len, --batch default 8) and prints JSON lines: the median wall time, then the kernel time
  per tfjs kernel (tf.profile), largest first.`;

/**
 * Per-task defaults. Selective Copying has 16 targets per sequence and starts its length curriculum
 * at 32, i.e. plain copying without noise, which Mamba learns in far fewer steps than the noisy task
 * (docs/ssm-core.md, recipe table); Induction Heads has one target per sequence, so a larger batch, and trains at L from the start.
 */
export const TASK_DEFAULTS: Record<TaskName, { batch: number; startLen: (seqLen: number) => number }> = {
  'selective-copying': { batch: 8, startLen: (L) => Math.min(32, L) },
  'induction-heads': { batch: 32, startLen: (L) => L },
};

/** Parses the --tasks mode's arguments (the `--tasks` flag itself is accepted and ignored). */
export function parseTaskArgs(argv: string[]): TaskOptions {
  const o: TaskOptions = {
    json: false, backend: 'wasm', tasks: [...TASKS], mixers: [...MIXERS], minutes: 10, maxSteps: 4000, seqLen: 256,
    inductionEvalLens: [256, 512, 1024, 2048, 4096], dModel: 64, nLayers: 2, dState: 32, expand: 2, weightDecay: 0.1, profile: false, batch: 0, lr: 6e-3, ssmLr: 6e-3,
    warmupSteps: 50, startLen: 0, growAcc: 0.9, stopAcc: 2, seed: 1,
  };
  const fail = (msg: string): never => { throw new Error(`bench --tasks: ${msg}\n${TASK_USAGE}`); };
  const num = (a: string, v: string, integer: boolean): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) fail(`${a} expects a positive ${integer ? 'integer' : 'number'}, got '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => argv[++i] ?? fail(`${a} needs a value`);
    if (a === '--tasks') continue;
    else if (a === '--json') o.json = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--task') {
      const v = value();
      if (v === 'all') o.tasks = [...TASKS];
      else if ((TASKS as readonly string[]).includes(v)) o.tasks = [v as TaskName];
      else fail(`--task expects ${TASKS.join('|')}|all, got '${v}'`);
    } else if (a === '--model') {
      const v = value();
      if (v === 'all') o.mixers = [...MIXERS];
      else if ((MIXERS as readonly string[]).includes(v)) o.mixers = [v as MixerKind];
      else fail(`--model expects ${MIXERS.join('|')}|all, got '${v}'`);
    } else if (a === '--backend') {
      const v = value();
      if (v !== 'cpu' && v !== 'wasm') fail(`--backend expects cpu|wasm, got '${v}'`);
      o.backend = v;
    } else if (a === '--task-minutes') o.minutes = num(a, value(), false);
    else if (a === '--task-steps') o.maxSteps = num(a, value(), true);
    else if (a === '--task-len') o.seqLen = num(a, value(), true);
    else if (a === '--eval-lens') o.inductionEvalLens = o.copyEvalLens = value().split(',').map((v) => num(a, v, true));
    else if (a === '--d-model') o.dModel = num(a, value(), true);
    else if (a === '--layers') o.nLayers = num(a, value(), true);
    else if (a === '--d-state') o.dState = num(a, value(), true);
    else if (a === '--expand') o.expand = num(a, value(), true);
    else if (a === '--weight-decay') {
      const v = value();
      o.weightDecay = Number(v);
      if (!Number.isFinite(o.weightDecay) || o.weightDecay < 0) fail(`--weight-decay expects a number >= 0, got '${v}'`);
    }
    else if (a === '--batch') o.batch = num(a, value(), true);
    else if (a === '--lr') o.lr = num(a, value(), false);
    else if (a === '--ssm-lr') o.ssmLr = num(a, value(), false);
    else if (a === '--warmup') o.warmupSteps = num(a, value(), true);
    else if (a === '--start-len') o.startLen = num(a, value(), true);
    else if (a === '--grow-acc') o.growAcc = num(a, value(), false);
    else if (a === '--stop-acc') o.stopAcc = num(a, value(), false);
    else if (a === '--seed') o.seed = num(a, value(), true);
    else if (a === '--help' || a === '-h') throw new Error(TASK_USAGE);
    else fail(`unknown argument '${a}'`);
  }
  if (o.seqLen < 32) fail(`--task-len must be >= 32 (16 data tokens + 16 markers), got ${o.seqLen}`);
  if (o.startLen > o.seqLen) o.startLen = o.seqLen;
  if (o.startLen !== 0 && o.startLen < 32) fail(`--start-len must be >= 32, got ${o.startLen}`);
  return o;
}
