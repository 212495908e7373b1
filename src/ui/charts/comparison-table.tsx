/**
 * Final scores per run in the paper's layout (Eff. / Gen. / Spe. / Personas / Reasoning, in %, two
 * decimals), with a "Pre-edited" row when the model was scored before editing. The caption states
 * the protocol and the metric; a row that is only a sample estimate (run not finished) is marked.
 */
import { Fragment, useId, useState } from 'react';
import { COMPARISON_COLUMNS, comparisonRows, type ComparableRun, type ComparisonRow } from '../lib/comparison';
import type { EvalMeasure } from '../lib/series';
import { MEASURE_TITLE, PROTOCOL_TITLE } from './labels';

export interface ComparisonTableProps {
  runs: readonly ComparableRun[];
  /** Each run's colour (its swatch in its row, as in the run list and the charts). */
  colors?: ReadonlyMap<string, string>;
  /** Initial metric; the table has its own selector. */
  measure?: EvalMeasure;
}

export function ComparisonTable({ runs, colors, measure: initial = 'tokenAccuracy' }: ComparisonTableProps) {
  const id = useId();
  const [measure, setMeasure] = useState<EvalMeasure>(initial);
  const { preEdit, rows, generalTasks } = comparisonRows(runs, measure);
  const protocols = [...new Set(rows.map((r) => r.protocol).filter((p) => p !== undefined))];
  const sampled = rows.some((r) => r.protocol === 'sample');

  return (
    <div className="se-comparison">
      <label>
        metric
        <select value={measure} onChange={(e) => setMeasure(e.target.value as EvalMeasure)} aria-controls={id}>
          {(Object.keys(MEASURE_TITLE) as EvalMeasure[]).map((m) => (
            <option key={m} value={m}>
              {MEASURE_TITLE[m]}
            </option>
          ))}
        </select>
      </label>
      <table id={id} className="se-table" data-testid="comparison-scores">
        <caption>
          Scores in % — metric: {MEASURE_TITLE[measure]}
          {measure === 'tokenAccuracy' ? ' (teacher-forced top-1, partial credit per record)' : ' (whole answer correct)'}; protocol:{' '}
          {protocols.length === 1 ? PROTOCOL_TITLE[protocols[0]] : protocols.length === 0 ? 'none measured yet' : 'per row'}.
          {sampled && ' * run not finished: latest sample estimate, not comparable with final scores.'} Best per column in bold.
        </caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            {COMPARISON_COLUMNS.map(([k, title]) => (
              <th key={k} scope="col">
                {title}
              </th>
            ))}
            <th scope="col">Edits</th>
          </tr>
        </thead>
        <tbody>
          {preEdit && <Row row={preEdit} className="se-pre" values={preEdit.values} best={preEdit.best} edits />}
          {rows.map((r) => (
            <Row key={r.key} row={r} color={colors?.get(r.key)} values={r.values} best={r.best} edits />
          ))}
        </tbody>
      </table>
      {generalTasks.length > 0 && (
        // Its own table: a task per column would leave the scores above no room at a laptop's width.
        <table className="se-table se-gc-table" data-testid="comparison-gc">
          <caption>
            General capability (GC) in %: weighted F1 of the generated answers per task, as the reference scores it; protocol as above.
          </caption>
          <thead>
            <tr>
              <th scope="col">Method</th>
              {generalTasks.map((t) => (
                <th key={t.key} scope="col" title={`general capability: ${t.key}`}>
                  {/* a break after each dot: "demo." over "located_in", not a word cut in two */}
                  {t.title.split(/(?<=\.)/).map((part, i) => (
                    <Fragment key={i}>
                      {i > 0 && <wbr />}
                      {part}
                    </Fragment>
                  ))}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preEdit && <Row row={preEdit} className="se-pre" values={preEdit.general} best={preEdit.generalBest} />}
            {rows.map((r) => (
              <Row key={r.key} row={r} color={colors?.get(r.key)} values={r.general} best={r.generalBest} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Row({
  row,
  className,
  color,
  values,
  best,
  edits,
}: {
  row: ComparisonRow;
  className?: string;
  color?: string;
  values: readonly (number | undefined)[];
  best: readonly boolean[];
  /** With the Edits column (the scores' table). */
  edits?: boolean;
}) {
  return (
    <tr className={className} data-testid={edits ? 'comparison-row' : 'comparison-gc-row'}>
      <th scope="row" title={row.editor && !row.label.startsWith(row.editor) ? `${row.label} (${row.editor})` : row.label}>
        {color && <span className="se-row-swatch" style={{ background: color }} data-color={color} aria-hidden="true" />}
        {row.label}
        {row.editor && !row.label.startsWith(row.editor) && <span className="se-muted"> ({row.editor})</span>}
        {row.protocol === 'sample' && <span title={PROTOCOL_TITLE.sample}> *</span>}
      </th>
      {values.map((v, c) => {
        const text = v === undefined ? '—' : v.toFixed(2);
        return <td key={c}>{best[c] ? <strong>{text}</strong> : text}</td>;
      })}
      {edits && <td>{row.edits === undefined ? '—' : row.edits.toLocaleString('en-US')}</td>}
    </tr>
  );
}
