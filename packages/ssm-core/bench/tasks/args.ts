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
  /** Eval lengths of induction heads (selective copying is evaluated at the training length). */
  inductionEvalLens: number[];
  dModel: number;
  nLayers: number;
  dState: number;
  batch: number;
  lr: number;
  seed: number;
}

export const TASK_USAGE = `usage: bench --tasks [--json] [--task selective-copying|induction-heads|all] [--model mamba|s4d|all]
             [--task-minutes M] [--task-steps N] [--task-len L] [--eval-lens 256,512,...] [--d-model D]
             [--layers N] [--d-state N] [--batch B] [--lr LR] [--seed S] [--backend wasm|cpu]
  Trains Embedding → layers × Block(mixer) → RMSNorm → Dense on the Mamba paper's synthetic tasks
  (AdamW, warmup-cosine, clip 1.0) for M minutes (default 10) or N steps per (task, model), then
  reports token accuracy on fresh batches; induction heads at 256 … 4096.`;

/** Parses the --tasks mode's arguments (the `--tasks` flag itself is accepted and ignored). */
export function parseTaskArgs(argv: string[]): TaskOptions {
  const o: TaskOptions = {
    json: false, backend: 'wasm', tasks: [...TASKS], mixers: [...MIXERS], minutes: 10, maxSteps: 4000, seqLen: 256,
    inductionEvalLens: [256, 512, 1024, 2048, 4096], dModel: 64, nLayers: 2, dState: 16, batch: 8, lr: 2e-3, seed: 1,
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
    else if (a === '--eval-lens') o.inductionEvalLens = value().split(',').map((v) => num(a, v, true));
    else if (a === '--d-model') o.dModel = num(a, value(), true);
    else if (a === '--layers') o.nLayers = num(a, value(), true);
    else if (a === '--d-state') o.dState = num(a, value(), true);
    else if (a === '--batch') o.batch = num(a, value(), true);
    else if (a === '--lr') o.lr = num(a, value(), false);
    else if (a === '--seed') o.seed = num(a, value(), true);
    else if (a === '--help' || a === '-h') throw new Error(TASK_USAGE);
    else fail(`unknown argument '${a}'`);
  }
  if (o.seqLen < 32) fail(`--task-len must be >= 32 (16 data tokens + 16 markers), got ${o.seqLen}`);
  return o;
}
