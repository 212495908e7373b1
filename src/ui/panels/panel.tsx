/**
 * A side-panel section that folds: the heading is the summary, so a collapsed section still reads as
 * "Model", "Data"… in the outline and the Tab order. `status` is shown beside the heading, so a folded
 * section still says what it holds.
 */
import type { ReactNode } from 'react';

export interface PanelProps {
  title: string;
  headingId?: string;
  open?: boolean;
  status?: ReactNode;
  children: ReactNode;
  'data-testid'?: string;
  'data-status'?: string;
}

export function Panel({ title, headingId, open = true, status, children, ...data }: PanelProps) {
  return (
    <details className="panel" open={open} aria-labelledby={headingId} {...data}>
      <summary>
        <h2 id={headingId}>{title}</h2>
        {status && <span className="panel-status">{status}</span>}
      </summary>
      {children}
    </details>
  );
}
