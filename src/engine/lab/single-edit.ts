/**
 * Interactive editing: one (prompt, answer) as a one-record turn through the same path as runs
 * (LifelongRun: tokenize → capture → editor → apply). A fresh editor normalizing a single row would
 * divide by a zero spread (the row is its own mean), so the turn is preceded by statistics-only
 * warm-up turns over other edits (paper Table 13's "statistics only" variant): the normalizer gets
 * a mean and spread to measure the new edit against, and nothing but the new edit is applied.
 */
import { InputError, type EditRecord, type TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import { DEFAULT_RUN, type RunConfig } from '../run/config';
import { LifelongRun } from '../run/lifelong-run';
import type { TurnRecord } from '../run/events';

export interface SingleEditSettings {
  editor: string;
  lr: number;
  ridge: number;
  modules: string[];
  /** Records whose statistics (not updates) precede the edit; more gives a steadier normalization. */
  statistics: readonly EditRecord[];
}

export async function applySingleEdit(
  runtime: ModelRuntime,
  tokenizer: TextTokenizer,
  edit: { prompt: string; answer: string },
  s: SingleEditSettings,
): Promise<TurnRecord> {
  if (!edit.prompt.trim()) throw new InputError('interactive edit', 'the prompt is empty');
  if (!edit.answer.trim()) throw new InputError('interactive edit', 'the new answer is empty');
  const config: RunConfig = {
    ...DEFAULT_RUN,
    editor: s.editor,
    lr: s.lr,
    ridge: s.ridge,
    modules: s.modules,
    nEdits: 1,
    subBatch: 1,
    turns: 1,
    warmupTurns: s.statistics.length,
    warmupPlacement: 'start',
    warmupStatisticsOnly: true,
    immediateEval: false,
    sampleEvery: 0,
    finalEval: false,
    checkpointEvery: 0,
  };
  const record: EditRecord = { index: 0, prompt: edit.prompt, answer: edit.answer };
  let failure: string | null = null;
  const run = await LifelongRun.open(config, {
    runtime,
    tokenizer,
    target: [record],
    warmup: s.statistics,
    emit: (e) => {
      if (e.type === 'error') failure = `${e.where}: ${e.message}`;
    },
  });
  let last: TurnRecord | null = null;
  while (!run.done) last = (await run.step()) ?? last;
  if (failure || run.error) throw new Error(`the ${s.editor} editor could not apply this edit (${failure ?? run.error})`);
  if (!last || last.kind !== 'target') throw new Error('the edit turn did not run');
  return last;
}
