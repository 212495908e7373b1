import type { CommandType } from '../../protocol/messages';
import { useLabStore } from '../store';

/** The latest failure of one command, shown next to where it is issued, with what to do next. */
export function ErrorNote({ command, testId }: { command: CommandType | CommandType[]; testId?: string }) {
  const commands = Array.isArray(command) ? command : [command];
  const errors = useLabStore((s) => s.errors);
  const shown = commands.map((c) => errors[c]).filter((e) => e !== undefined);
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((e, i) => (
        <div key={i} className="notice error" role="alert" data-testid={testId}>
          <strong>{e.message}</strong>
          <div>{e.hint}</div>
        </div>
      ))}
    </>
  );
}

export function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  return (
    <div className="progress">
      <progress value={max > 0 ? value : undefined} max={max > 0 ? max : undefined} aria-label={label} />
      <span>{label}</span>
    </div>
  );
}
