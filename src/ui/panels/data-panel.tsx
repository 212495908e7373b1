/** Two dataset slots (edit stream, warm-up source): drop or pick a file, see what was detected and what is wrong. */
import { useState, type DragEvent } from 'react';
import { DEMO_DATA } from '../../engine/lab/demo-defaults';
import { LAYOUTS, type FieldMapping, type LayoutId } from '../../engine/data/layouts';
import type { DataInput, DataSlot, ScanOptions } from '../../protocol/messages';
import { sendCommand } from '../engine-client';
import { useLabStore } from '../store';
import { ErrorNote, Progress } from './error-note';
import { Panel } from './panel';

const TITLE: Record<DataSlot, string> = { edits: 'Edit stream', warmup: 'Warm-up source' };
const base = import.meta.env.BASE_URL;
/** What each slot last read, so changing skip/stop can read it again. */
const lastInput: Record<DataSlot, DataInput> = {
  edits: { kind: 'url', url: base + DEMO_DATA.edits, name: 'edits.eval.json' },
  warmup: { kind: 'url', url: base + DEMO_DATA.warmup, name: 'edits.train.json' },
};

export function DataPanel() {
  return (
    <Panel title="Data" headingId="data-h">
      <p className="muted">
        JSON arrays, JSON Lines or CSV in the ZsRE, FEVER, WikiBigEdit, UltraEditBench, CounterFact or EasyEdit layouts; the layout is
        detected from the first record.
      </p>
      <div className="two">
        <Slot slot="edits" />
        <Slot slot="warmup" />
      </div>
      <ErrorNote command="data/scan" testId="data-error" />
      <DemoStreams />
    </Panel>
  );
}

const DEMO_INPUT: Record<DataSlot, DataInput> = { ...lastInput };

/** The way back to the demo's streams after a file (or a failed read) replaced them. */
function DemoStreams() {
  // Re-rendered on every read a slot reports; what each slot last read is kept in lastInput.
  const onDemo = useLabStore(
    (s) => (['edits', 'warmup'] as const).every((slot) => s.data[slot] && lastInput[slot] === DEMO_INPUT[slot]) && !s.errors['data/scan'],
  );
  const scanning = useLabStore((s) => s.pending['data/scan'] !== undefined);
  if (onDemo) return null;
  return (
    <p>
      <button
        type="button"
        disabled={scanning}
        onClick={() => {
          for (const slot of ['edits', 'warmup'] as const) {
            lastInput[slot] = DEMO_INPUT[slot];
            sendCommand({ type: 'data/scan', slot, input: DEMO_INPUT[slot], options: { onInvalid: 'skip' } });
          }
        }}
        data-testid="data-demo"
      >
        Use the demo’s streams again
      </button>{' '}
      <span className="muted">(edits.eval.json and edits.train.json)</span>
    </p>
  );
}

function Slot({ slot }: { slot: DataSlot }) {
  const data = useLabStore((s) => s.data[slot]);
  const scanning = useLabStore((s) => s.pending['data/scan'] !== undefined);
  const [onInvalid, setOnInvalid] = useState<'skip' | 'stop'>('skip');
  const [reading, setReading] = useState<Omit<ScanOptions, 'onInvalid'>>({});
  const [over, setOver] = useState(false);
  const scan = (input: DataInput, policy = onInvalid, how = reading) => {
    lastInput[slot] = input;
    sendCommand({ type: 'data/scan', slot, input, options: { onInvalid: policy, ...how } });
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) scan({ kind: 'file', file: f });
  };
  const r = data?.report;
  return (
    <div className="slot" data-testid={`slot-${slot}`}>
      <h3>{TITLE[slot]}</h3>
      <div
        className={over ? 'dropzone over' : 'dropzone'}
        data-testid={`drop-${slot}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        Drop a dataset file here or{' '}
        <label className="linklike">
          pick one
          <input
            type="file"
            className="visually-hidden"
            accept=".json,.jsonl,.ndjson,.csv,.tsv"
            onChange={(e) => e.target.files?.[0] && scan({ kind: 'file', file: e.target.files[0] })}
            data-testid={`pick-${slot}`}
          />
        </label>
      </div>
      <label>
        invalid records{' '}
        <select
          value={onInvalid}
          onChange={(e) => {
            const p = e.target.value as 'skip' | 'stop';
            setOnInvalid(p);
            scan(lastInput[slot], p);
          }}
        >
          <option value="skip">skip them (reported)</option>
          <option value="stop">stop at the first</option>
        </select>
      </label>
      <LayoutChoice
        slot={slot}
        onRead={(how) => {
          setReading(how);
          scan(lastInput[slot], onInvalid, how);
        }}
      />
      {scanning && !r && <Progress value={0} max={0} label="reading…" />}
      {r && (
        <div data-testid={`report-${slot}`}>
          <dl className="kv">
            <dt>File</dt>
            <dd data-testid={`file-${slot}`}>{data.name}</dd>
            <dt>Format</dt>
            <dd data-testid={`format-${slot}`}>
              {r.detection ? `${r.detection.layout} (${r.detection.container})` : 'not detected'}
              {r.detection && <div className="muted">{r.detection.layoutReason}</div>}
            </dd>
            <dt>Records</dt>
            <dd data-testid={`count-${slot}`}>
              {r.count.toLocaleString('en-US')} valid{r.skipped > 0 && `, ${r.skipped} skipped`}
            </dd>
          </dl>
          {r.stopped && (
            <div className="notice error" role="alert">
              Reading stopped at record {r.stopped.index} (line {r.stopped.line}), field {r.stopped.field}: {r.stopped.problem}
            </div>
          )}
          {r.issues.length > 0 && (
            <details open={r.issueCount <= 5}>
              <summary>
                {r.issueCount} problem{r.issueCount === 1 ? '' : 's'}
              </summary>
              <ul data-testid={`issues-${slot}`}>
                {r.issues.map((i, k) => (
                  <li key={k}>
                    record {i.index} (line {i.line}), {i.field}: {i.problem} — {i.outcome}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {r.preview.length > 0 && (
            <details className="scroll-x">
              <summary>Preview</summary>
              <table className="preview" data-testid={`preview-${slot}`}>
                <caption>{r.preview.length === 1 ? 'The first record' : `The first ${r.preview.length} records`}</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">prompt</th>
                    <th scope="col">answer</th>
                    <th scope="col">rephrase</th>
                    <th scope="col">locality</th>
                  </tr>
                </thead>
                <tbody>
                  {r.preview.map((p) => (
                    <tr key={p.index}>
                      <td>{p.index}</td>
                      <td>{p.prompt}</td>
                      <td>{p.answer}</td>
                      <td>{p.rephrase ?? '—'}</td>
                      <td>{p.locPrompt ? `${p.locPrompt} → ${p.locAnswer ?? '?'}` : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </div>
      )}
    </div>
  );
}

const MAPPED: { field: keyof FieldMapping; label: string; required?: boolean }[] = [
  { field: 'prompt', label: 'prompt', required: true },
  { field: 'answer', label: 'new answer', required: true },
  { field: 'rephrase', label: 'rephrase' },
  { field: 'locPrompt', label: 'locality prompt' },
  { field: 'locAnswer', label: 'locality answer' },
];

/**
 * The layout is detected from the first record; here the user can name it instead, or map the
 * file's own field names (dotted paths such as "requested_rewrite.prompt") onto the lab's.
 */
function LayoutChoice({ slot, onRead }: { slot: DataSlot; onRead: (how: Omit<ScanOptions, 'onInvalid'>) => void }) {
  const [layout, setLayout] = useState<'' | LayoutId | 'mapping'>('');
  const [mapping, setMapping] = useState<Record<string, string>>({ prompt: 'prompt', answer: 'answer' });
  const missing = MAPPED.filter((m) => m.required && !mapping[m.field]?.trim()).map((m) => m.label);
  const read = () => {
    if (layout === '') return onRead({});
    if (layout !== 'mapping') return onRead({ layout });
    const m: FieldMapping = {};
    for (const { field } of MAPPED) if (mapping[field]?.trim()) m[field] = mapping[field].trim();
    onRead({ mapping: m });
  };
  return (
    <details className="layout-choice" data-testid={`layout-${slot}`}>
      <summary>Layout and field mapping</summary>
      <label>
        layout{' '}
        <select value={layout} onChange={(e) => setLayout(e.target.value as typeof layout)} data-testid={`layout-select-${slot}`}>
          <option value="">detect from the first record</option>
          {LAYOUTS.filter((l, i) => LAYOUTS.findIndex((x) => x.id === l.id) === i).map((l) => (
            <option key={l.id} value={l.id}>
              {l.title}
            </option>
          ))}
          <option value="mapping">my own field names…</option>
        </select>
      </label>
      {layout === 'mapping' && (
        <fieldset>
          <legend>Field of the file for each of the lab’s fields</legend>
          {MAPPED.map(({ field, label, required }) => (
            <label key={field}>
              {label}
              {required && ' *'}{' '}
              <input
                value={mapping[field] ?? ''}
                onChange={(e) => setMapping({ ...mapping, [field]: e.target.value })}
                placeholder={required ? 'required' : 'optional'}
                data-testid={`map-${slot}-${field}`}
              />
            </label>
          ))}
        </fieldset>
      )}
      <button
        type="button"
        className="small"
        onClick={read}
        disabled={layout === 'mapping' && missing.length > 0}
        data-testid={`layout-read-${slot}`}
      >
        Read again
      </button>
      {layout === 'mapping' && missing.length > 0 && <span className="muted"> map {missing.join(' and ')} first</span>}
    </details>
  );
}
