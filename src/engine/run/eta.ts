/**
 * The time a run has left, from what its turns have cost so far. A warm-up turn (statistics only, no
 * scoring) and a target turn (update, immediate and sampled scoring) cost differently, so each kind
 * keeps its own mean; the first turn of the run is left out once another has been timed (it pays
 * for compiling kernels and warming caches), and time spent paused is not a turn's. The old estimate
 * — everything since the start, the pre-edit scoring included, over turns done — read 5 min at turn
 * 3 of a run that ended 34 s later. A final evaluation still to come adds its estimate (about what
 * the pre-edit scoring of the same records took).
 */
export type TurnKind = 'warmup' | 'target';

export class TurnEta {
  private readonly seconds: Record<TurnKind, number[]> = { warmup: [], target: [] };
  private since: number | null = null;
  private firstTimed = false;
  private first: { kind: TurnKind; s: number } | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Turns start (or resume after a pause) now. */
  start(): void {
    this.since ??= this.now();
  }

  /** Paused: the time until the next start belongs to no turn. */
  hold(): void {
    this.since = null;
  }

  /** A turn of this kind just ended. */
  turn(kind: TurnKind): void {
    const t = this.now();
    if (this.since !== null) {
      const s = (t - this.since) / 1000;
      if (!this.firstTimed) {
        this.firstTimed = true;
        this.first = { kind, s };
      } else this.seconds[kind].push(s);
    }
    this.since = t;
  }

  /** Mean seconds of a turn of this kind: its own turns, else the other kind's, else the first turn alone. */
  perTurn(kind: TurnKind): number | null {
    const other: TurnKind = kind === 'warmup' ? 'target' : 'warmup';
    const own = this.seconds[kind].length ? this.seconds[kind] : this.seconds[other];
    if (own.length) return own.reduce((a, b) => a + b, 0) / own.length;
    return this.first?.s ?? null;
  }

  /** Seconds left for these turns plus `extraSeconds` (a final evaluation), or null before any turn is timed. */
  eta(remaining: Record<TurnKind, number>, extraSeconds = 0): number | null {
    let total = extraSeconds;
    for (const kind of ['warmup', 'target'] as const) {
      if (remaining[kind] === 0) continue;
      const per = this.perTurn(kind);
      if (per === null) return null;
      total += per * remaining[kind];
    }
    return total;
  }
}
