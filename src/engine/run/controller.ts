/**
 * Start / pause / resume / stop / single-step over a LifelongRun. The worker owns one per run; the
 * commands arrive as messages between turns, so a turn is never cut in half: pause and stop take
 * effect at the next turn boundary, where the weights and the statistics agree.
 */
import type { LifelongRun } from './lifelong-run';
import type { RunReport } from './events';
import { isStorageFull } from '../io/storage-full';

export type RunState = 'running' | 'paused' | 'stopped' | 'finished' | 'failed';

export class RunController {
  private state: RunState = 'paused';
  private wake: (() => void) | null = null;
  private pendingSteps = 0;

  constructor(
    private readonly run: LifelongRun,
    private readonly onState: (s: RunState) => void = () => {},
  ) {}

  get status(): RunState {
    return this.state;
  }

  /** Drive the run until it finishes, fails or is stopped. Starts paused unless `running` is true. */
  async drive(running = true): Promise<RunReport | null> {
    this.set(running ? 'running' : 'paused');
    while (!this.run.done) {
      if (this.state === 'stopped') return null;
      if (this.state === 'paused' && this.pendingSteps === 0) {
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      if (this.pendingSteps > 0) this.pendingSteps--;
      try {
        await this.run.step();
      } catch (e) {
        // The storage is full (a checkpoint did not fit): the turn itself is done and the run is whole
        // in memory, so it pauses here with the way on instead of failing (docs/design.md §5).
        if (!isStorageFull(e)) throw e;
        this.run.warn(
          `${(e as Error).message}. The run is paused after step ${this.run.stepIndex} with everything in memory: make room, then Resume (a reload before that resumes from the last saved checkpoint)`,
        );
        this.pendingSteps = 0;
        this.set('paused');
      }
      // Let queued messages (pause, stop) in between turns.
      await new Promise((r) => setTimeout(r, 0));
    }
    if (this.run.error) {
      this.set('failed');
      return null;
    }
    const report = await this.run.finish();
    this.set('finished');
    return report;
  }

  pause() {
    if (this.state === 'running') this.set('paused');
  }
  resume() {
    if (this.state === 'paused') this.set('running');
  }
  /** One turn, then paused again. */
  stepOnce() {
    if (this.state === 'paused') {
      this.pendingSteps++;
      this.poke();
    }
  }
  stop() {
    if (this.state === 'running' || this.state === 'paused') this.set('stopped');
  }

  private set(s: RunState) {
    this.state = s;
    this.onState(s);
    this.poke();
  }
  private poke() {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
