/**
 * A progress line with ETA on stderr, so stdout stays clean JSON lines. Redraws in place on a TTY
 * and prints a plain line every few percent otherwise (CI logs).
 */
export class Progress {
  private readonly t0 = performance.now();
  private lastPrinted = -1;
  /** The first count seen: a resumed pass's rate and ETA count only the work done here. */
  private first: number | null = null;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, note = ''): void {
    const elapsed = (performance.now() - this.t0) / 1000;
    this.first ??= done;
    const rate = done > this.first ? (done - this.first) / elapsed : 0;
    const eta = rate > 0 ? (this.total - done) / rate : NaN;
    const frac = this.total > 0 ? done / this.total : 1;
    const width = 24;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const line = `${this.label} [${bar}] ${done}/${this.total} ${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds(eta)}${note ? ' ' + note : ''}`;
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      if (done >= this.total) this.out.write('\n');
    } else {
      const pct = Math.floor(frac * 20);
      if (pct !== this.lastPrinted || done >= this.total) {
        this.lastPrinted = pct;
        this.out.write(line + '\n');
      }
    }
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
