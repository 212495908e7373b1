/**
 * The Probe panel's two commands, on the model as it stands (after the last run, plus any earlier
 * interactive edits): ask it a prompt, and apply one edit and see what it did to other prompts.
 */
import type { CommandOf } from '../../protocol/messages';
import { slotRecords } from './datasets';
import { activeRun, needModel, type LabState } from './lab-state';
import { probe } from './probe';
import { answers, compareAnswers, watchedPrompts } from './side-effects';
import { applySingleEdit } from './single-edit';
import { locateCorpus, statsCache } from './run-editor';
import { isLocateEditor } from '../editors/locate/settings';

export async function askProbe(lab: LabState, cmd: CommandOf<'probe/ask'>): Promise<void> {
  const m = needModel(lab);
  const answer = await probe(m.runtime, m.loaded.tokenizer, cmd.prompt, cmd.k, cmd.maxNewTokens);
  lab.post({ type: 'probe/result', replyTo: cmd.id, after: answer });
}

/**
 * One edit, and what it did to other prompts: the record's locality prompt (when the prompt is a
 * record of a loaded stream) and the stream prompts most like it, answered before and after.
 */
export async function applyEdit(lab: LabState, cmd: CommandOf<'edit/apply'>): Promise<void> {
  const m = needModel(lab);
  if (activeRun(lab)) throw new Error('a run is going on this model: stop it (or let it finish) before an interactive edit');
  const s = cmd.settings;
  const warmupPool = lab.slots.warmup ? await slotRecords(lab, 'warmup') : [];
  const editPool = lab.slots.edits ? await slotRecords(lab, 'edits') : [];
  const statistics = (warmupPool.length ? warmupPool : editPool).slice(0, s.statisticsRecords);
  const pool = [...editPool, ...warmupPool];
  const same = pool.find((r) => r.prompt.trim() === cmd.prompt.trim());
  const watched = watchedPrompts({ prompt: cmd.prompt, locPrompt: same?.locPrompt }, pool);
  const tok = m.loaded.tokenizer;
  const before = await probe(m.runtime, tok, cmd.prompt, cmd.k, cmd.maxNewTokens);
  const beforeOthers = await answers(
    m.runtime,
    tok,
    watched.map((w) => w.prompt),
  );
  const corpus = isLocateEditor(s.editor) ? await locateCorpus(lab, m, editPool, warmupPool) : undefined;
  const { turn, plan } = await applySingleEdit(
    m.runtime,
    tok,
    { prompt: cmd.prompt, answer: cmd.answer, subject: cmd.subject ?? same?.subject },
    {
      editor: s.editor,
      lr: s.lr,
      ridge: s.ridge,
      modules: s.modules,
      statistics,
      corpus,
      statsCache: corpus && statsCache(lab, m, corpus),
    },
  );
  const after = await probe(m.runtime, tok, cmd.prompt, cmd.k, cmd.maxNewTokens);
  const sideEffects = compareAnswers(
    watched,
    beforeOthers,
    await answers(
      m.runtime,
      tok,
      watched.map((w) => w.prompt),
    ),
  );
  const norms = turn.diagnostics.modules
    .map((d) => `${d.module.replace(/^.*layers\.(\d+)\..*$/, 'L$1')} ‖ΔW‖ ${d.deltaNorm?.toPrecision(3)}`)
    .join(', ');
  const changed = sideEffects.filter((e) => e.changed).length;
  const note =
    `applied with ${s.editor} (lr ${s.lr}, λ ${s.ridge})` +
    (plan.usesStatistics ? ` after the statistics of ${plan.statisticsUsed} warm-up records` : '') +
    (plan.rows > 1 ? ` (the record given ${plan.rows} times: its batch variance needs ${plan.rows} rows)` : '') +
    `; ${norms}` +
    (sideEffects.length ? `; ${changed} of ${sideEffects.length} other prompts changed their answer` : '');
  lab.post({ type: 'probe/result', replyTo: cmd.id, before, after, note, sideEffects });
}
