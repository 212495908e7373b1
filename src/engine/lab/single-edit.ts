/**
 * Interactive editing: one (prompt, answer) as a one-record turn through the same path as runs
 * (LifelongRun: tokenize → capture → editor → apply). A fresh editor normalizing a single row would
 * divide by a zero spread (the row is its own mean), so the turn is preceded by statistics-only
 * warm-up turns over other edits (paper Table 13's "statistics only" variant): the normalizer gets
 * a mean and spread to measure the new edit against, and nothing but the new edit is applied.
 *
 * An editor whose batch variance needs two rows per sub-batch (UltraEdit's B/(B−1)) gets its
 * warm-up records in turns of two, and the edit as two copies of the one record: a batch of
 * identical rows has zero spread of its own, so the running statistics alone normalize it, and the
 * ridge solve still fits only that record (docs/design.md §1, "Interactive edits").
 */
import { InputError, type EditRecord, type TextTokenizer } from '../types';
import type { ModelRuntime } from '../runtime/runtime';
import { DEFAULT_RUN, runEditorNames, type RunConfig } from '../run/config';
import { LifelongRun } from '../run/lifelong-run';
import type { TurnRecord } from '../run/events';
import { editorDefinition } from '../editors/registry';
import { minBatchRows } from '../editors/spec';
import { isLocateEditor } from '../editors/locate/settings';
import type { StatsCache } from '../editors/locate/key-stats';

export interface SingleEditSettings {
  editor: string;
  lr: number;
  ridge: number;
  modules: string[];
  /** Records whose statistics (not updates) precede the edit; more gives a steadier normalization. */
  statistics: readonly EditRecord[];
  /** MEMIT / AlphaEdit's key-statistics texts (docs/design.md §7). */
  corpus?: readonly string[];
  statsCache?: StatsCache;
}

/** How a one-record edit runs with an editor: what the page's note promises and what the engine does. */
export interface SingleEditPlan {
  /** Rows of each turn: the edit's copies, and the warm-up records per statistics turn. */
  rows: number;
  /** Warm-up records whose statistics are taken (whole turns of `rows`). */
  statisticsUsed: number;
  /** Whether the editor keeps running statistics at all (the locate editors and ft keep none). */
  usesStatistics: boolean;
}

export function singleEditPlan(editor: string, statisticsRecords: number): SingleEditPlan {
  if (isLocateEditor(editor)) return { rows: 1, statisticsUsed: 0, usesStatistics: false };
  const spec = editorDefinition(editor).spec;
  const rows = minBatchRows(spec);
  const usesStatistics = spec.statistics !== null;
  return { rows, statisticsUsed: usesStatistics ? Math.floor(statisticsRecords / rows) * rows : 0, usesStatistics };
}

/** The note above the edit button: what the next edit will do, in the engine's own terms. */
export function singleEditNote(editor: string, statisticsRecords: number, lr: string, ridge: number): string {
  if (!runEditorNames.includes(editor)) return `“${editor}” is not one of the lab’s editors (${runEditorNames.join(', ')}).`;
  const plan = singleEditPlan(editor, statisticsRecords);
  if (isLocateEditor(editor))
    return `The edit is a one-record ${editor} edit at its reference settings (lr and λ are not used), with its key statistics from the demo's corpus or the stream's prompts.`;
  const head = `The edit is a one-record turn of the settings’ editor (${editor}, λ ${ridge}, lr ${lr}) on the chosen modules`;
  if (!plan.usesStatistics) return `${head}; this editor keeps no statistics.`;
  const copies = plan.rows > 1 ? `; its batch variance needs ${plan.rows} rows, so the record is given ${plan.rows} times` : '';
  return `${head}, after the statistics of ${plan.statisticsUsed} warm-up records${copies}.`;
}

export async function applySingleEdit(
  runtime: ModelRuntime,
  tokenizer: TextTokenizer,
  edit: { prompt: string; answer: string; subject?: string },
  s: SingleEditSettings,
): Promise<{ turn: TurnRecord; plan: SingleEditPlan }> {
  if (!edit.prompt.trim()) throw new InputError('interactive edit', 'the prompt is empty');
  if (!edit.answer.trim()) throw new InputError('interactive edit', 'the new answer is empty');
  const plan = singleEditPlan(s.editor, s.statistics.length);
  if (plan.usesStatistics && plan.statisticsUsed === 0)
    throw new InputError(
      'interactive edit',
      `the ${s.editor} editor measures the edit against the statistics of earlier edits, and there are none: give an edit stream or warm-up source in the Data panel (the demo's are the built-in ones) and at least ${plan.rows} statistics records`,
    );
  const config: RunConfig = {
    ...DEFAULT_RUN,
    editor: s.editor,
    lr: s.lr,
    ridge: s.ridge,
    modules: s.modules,
    nEdits: plan.rows,
    subBatch: plan.rows,
    turns: 1,
    warmupTurns: plan.statisticsUsed / plan.rows,
    warmupPlacement: 'start',
    warmupStatisticsOnly: true,
    immediateEval: false,
    sampleEvery: 0,
    finalEval: false,
    checkpointEvery: 0,
  };
  const subject = edit.subject?.trim() || undefined;
  if (isLocateEditor(s.editor) && !subject)
    throw new InputError('interactive edit', `${s.editor} edits at the subject's last token: name the subject (a word of the prompt)`);
  if (subject && !edit.prompt.includes(subject)) throw new InputError('interactive edit', `the subject "${subject}" is not in the prompt`);
  const target: EditRecord[] = Array.from({ length: plan.rows }, (_, index) => ({
    index,
    prompt: edit.prompt,
    answer: edit.answer,
    subject,
  }));
  let failure: string | null = null;
  const run = await LifelongRun.open(config, {
    runtime,
    tokenizer,
    target,
    warmup: s.statistics.slice(0, plan.statisticsUsed),
    corpus: s.corpus,
    statsCache: s.statsCache,
    emit: (e) => {
      if (e.type === 'error') failure = `${e.where}: ${e.message}`;
    },
  });
  let last: TurnRecord | null = null;
  while (!run.done) last = (await run.step()) ?? last;
  if (failure || run.error) throw new Error(`the ${s.editor} editor could not apply this edit (${failure ?? run.error})`);
  if (!last || last.kind !== 'target') throw new Error('the edit turn did not run');
  return { turn: last, plan };
}
