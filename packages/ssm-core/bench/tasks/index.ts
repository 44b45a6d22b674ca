import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/initBackend';
import { parseTaskArgs, TASK_DEFAULTS, type TaskOptions } from './args';
import { profileTaskStep } from './profile';
import { trainTask, type TrainSettings } from './train';

export { parseTaskArgs, TASK_USAGE } from './args';

interface Row { task: string; model: string; seq_len: number; accuracy: number; train_seconds: number }

export function settingsFor(o: TaskOptions, task: TrainSettings['task'], mixer: TrainSettings['mixer']): TrainSettings {
  return {
    task, mixer, dModel: o.dModel, nLayers: o.nLayers, dState: o.dState, expand: o.expand, seqLen: o.seqLen, batch: o.batch || TASK_DEFAULTS[task].batch,
    lr: o.lr, ssmLr: o.ssmLr, weightDecay: o.weightDecay, warmupSteps: o.warmupSteps, maxSteps: o.maxSteps, minutes: o.minutes,
    startLen: o.startLen || TASK_DEFAULTS[task].startLen(o.seqLen), growAcc: o.growAcc, stopAcc: o.stopAcc,
    evalLens: task === 'induction-heads' ? o.inductionEvalLens : (o.copyEvalLens ?? [o.seqLen]),
    evalBatches: 4, evalBatch: 16, seed: o.seed, logEvery: 25,
  };
}

/** `bench --tasks`: trains and evaluates each (task, model); prints a table or JSON lines. */
export async function runTasks(argv: string[]): Promise<void> {
  const o = parseTaskArgs(argv);
  await initBackend({ backend: o.backend });
  if (o.profile) return profileTaskStep(o);
  if (!o.json) {
    console.log(`statespace synthetic tasks on ${tf.getBackend()}: ${o.nLayers} layers, dModel ${o.dModel}, dState ${o.dState}, `
      + `batch ${o.batch || 'per task'}, train L ${o.seqLen} (curriculum from ${o.startLen || 'per task'}), lr ${o.lr} (SSM ${o.ssmLr}), `
      + `budget ${o.minutes} min / ${o.maxSteps} steps each`);
    console.log('task               model  seq_len  accuracy  train_s  steps  params  loss(first→last)');
  }
  const rows: Row[] = [];
  for (const task of o.tasks) {
    for (const mixer of o.mixers) {
      const r = trainTask(settingsFor(o, task, mixer), `${task}/${mixer}`);
      for (const { seqLen, accuracy } of r.accuracy) {
        const row: Row = { task, model: mixer, seq_len: seqLen, accuracy, train_seconds: Number(r.trainSeconds.toFixed(1)) };
        rows.push(row);
        if (o.json) console.log(JSON.stringify(row));
        else {
          console.log(`${task.padEnd(18)} ${mixer.padEnd(6)} ${String(seqLen).padStart(7)}  ${(100 * accuracy).toFixed(1).padStart(7)}%  `
            + `${r.trainSeconds.toFixed(0).padStart(7)}  ${String(r.steps).padStart(5)}  ${String(r.params).padStart(6)}  `
            + `${r.firstLoss.toFixed(3)}→${r.finalLoss.toFixed(3)}`);
        }
      }
      const curriculum = r.lengths.map((l) => `L ${l.seqLen} from step ${l.step}`).join(', ');
      process.stderr.write(`${task}/${mixer}: ${r.steps} steps (${curriculum}); train accuracy EMA at L ${o.seqLen} `
        + `${r.reached97 ? `reached 97% at step ${r.reached97.step} (${r.reached97.seconds.toFixed(0)} s)` : 'never reached 97%'}\n`);
      if (r.tensorsAtEnd !== r.tensorsAfterFirstStep) {
        process.stderr.write(`warning: ${task}/${mixer}: tensor count changed during training (${r.tensorsAfterFirstStep} → ${r.tensorsAtEnd})\n`);
      }
    }
  }
}
