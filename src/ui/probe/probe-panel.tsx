/** Ask the model anything (top-k next tokens and a greedy continuation), or teach it a new answer. */
import { useState } from 'react';
import type { ProbeAnswer, SideEffect } from '../../protocol/messages';
import { sendCommand } from '../engine-client';
import { useLabStore } from '../store';
import { ErrorNote } from '../panels/error-note';
import { useParsedSettings } from '../panels/settings-panel';
import { Panel } from '../panels/panel';
import { singleEditNote } from '../../engine/lab/single-edit';
import { isLocateEditor } from '../../engine/editors/locate/settings';

export function ProbePanel() {
  const probe = useLabStore((s) => s.probe);
  const busy = useLabStore(
    (s) => s.pending['probe/ask'] !== undefined || s.pending['edit/apply'] !== undefined || s.pending['model/reset'] !== undefined,
  );
  const loaded = useLabStore((s) => s.model.status === 'loaded');
  const { form, config, errors } = useParsedSettings();
  const [prompt, setPrompt] = useState('');
  const [answer, setAnswer] = useState('');
  const [subject, setSubject] = useState('');
  const [k, setK] = useState(5);
  const [maxNew, setMaxNew] = useState(8);

  const ask = () => sendCommand({ type: 'probe/ask', prompt, k, maxNewTokens: maxNew });
  const edit = () =>
    sendCommand({
      type: 'edit/apply',
      prompt,
      answer,
      ...(subject.trim() ? { subject: subject.trim() } : {}),
      k,
      maxNewTokens: maxNew,
      settings: {
        editor: config.editor,
        lr: Number(form.editLr),
        ridge: config.ridge,
        modules: config.modules,
        statisticsRecords: Number(form.editStats),
      },
    });
  const editProblem = errors.editLr ?? errors.editStats ?? errors.modules ?? errors.ridge;

  return (
    <Panel title="Probe and interactive edit" headingId="probe-h" data-testid="probe-panel">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          ask();
        }}
      >
        <div className="row">
          <label className="grow">
            prompt{' '}
            <input
              value={prompt}
              onChange={(e) => setPrompt(e.target.value)}
              placeholder="e.g. What is the capital of …?"
              data-testid="probe-prompt"
            />
          </label>
          <label>
            top-k <input type="number" min={1} max={50} value={k} onChange={(e) => setK(Number(e.target.value))} style={{ width: '4em' }} />
          </label>
          <label>
            new tokens{' '}
            <input
              type="number"
              min={0}
              max={64}
              value={maxNew}
              onChange={(e) => setMaxNew(Number(e.target.value))}
              style={{ width: '4em' }}
            />
          </label>
          <button type="submit" disabled={!loaded || busy || !prompt.trim()} data-testid="probe-ask">
            Ask
          </button>
        </div>
        <div className="row">
          <label className="grow">
            new answer{' '}
            <input
              value={answer}
              onChange={(e) => setAnswer(e.target.value)}
              placeholder="the answer the model should give"
              data-testid="edit-answer"
            />
          </label>
          {isLocateEditor(config.editor) && (
            <label>
              subject{' '}
              <input
                value={subject}
                onChange={(e) => setSubject(e.target.value)}
                placeholder="a stream record’s own, or a word of the prompt"
                data-testid="edit-subject"
              />
            </label>
          )}
          <button
            type="button"
            onClick={edit}
            disabled={!loaded || busy || !prompt.trim() || !answer.trim() || !!editProblem}
            data-testid="edit-apply"
            title={editProblem}
          >
            Apply edit
          </button>
          <button type="button" onClick={() => sendCommand({ type: 'model/reset' })} disabled={!loaded || busy}>
            Reset model to loaded weights
          </button>
        </div>
        <p className="muted small" data-testid="edit-plan">
          {singleEditNote(config.editor, Number(form.editStats), form.editLr, config.ridge)}
        </p>
      </form>
      {busy && <p aria-live="polite">working…</p>}
      <ErrorNote command={['probe/ask', 'edit/apply', 'model/reset']} testId="probe-error" />
      {probe && (
        <div aria-live="polite">
          {probe.note && (
            <p className="muted" data-testid="probe-note">
              {probe.note}
            </p>
          )}
          <div className="two">
            {probe.before && <Answer title="Before the edit" a={probe.before} testId="probe-before" />}
            {probe.after && <Answer title={probe.kind === 'edit' ? 'After the edit' : 'Model now'} a={probe.after} testId="probe-after" />}
          </div>
          {probe.sideEffects && probe.sideEffects.length > 0 && <SideEffects effects={probe.sideEffects} />}
        </div>
      )}
    </Panel>
  );
}

/** What the edit did elsewhere: other prompts' greedy answers before and after, changes marked. */
function SideEffects({ effects }: { effects: SideEffect[] }) {
  const changed = effects.filter((e) => e.changed).length;
  return (
    <div data-testid="side-effects">
      <h3>
        Elsewhere: {changed} of {effects.length} other prompts changed
      </h3>
      <p className="muted">
        The record’s locality prompt (when the prompt is a record of a loaded stream) and the stream prompts sharing the most words with it,
        answered greedily before and after the edit.
      </p>
      <table className="topk">
        <thead>
          <tr>
            <th scope="col">prompt</th>
            <th scope="col">before</th>
            <th scope="col">after</th>
          </tr>
        </thead>
        <tbody>
          {effects.map((e, i) => (
            <tr key={i} className={e.changed ? 'changed' : undefined} data-changed={e.changed}>
              <td>
                {e.prompt} {e.why === 'locality' && <span className="muted">(locality)</span>}
              </td>
              <td>{e.before || '∅'}</td>
              <td>
                {e.changed ? <strong>{e.after || '∅'}</strong> : e.after || '∅'} {e.changed && <span aria-label="changed">≠</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Answer({ title, a, testId }: { title: string; a: ProbeAnswer; testId: string }) {
  return (
    <div data-testid={testId}>
      <h3>{title}</h3>
      <p>
        <span className="muted">{a.prompt}</span> <strong data-testid={`${testId}-continuation`}>{a.continuation || '∅'}</strong>
      </p>
      <table className="topk">
        <thead>
          <tr>
            <th scope="col">next token</th>
            <th scope="col">probability</th>
          </tr>
        </thead>
        <tbody>
          {a.top.map((t, i) => (
            <tr key={i}>
              <td data-testid={i === 0 ? `${testId}-top1` : undefined}>{JSON.stringify(t.text)}</td>
              <td>
                <meter min={0} max={1} value={t.prob} /> {(t.prob * 100).toFixed(1)}%
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
