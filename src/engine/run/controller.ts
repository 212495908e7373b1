/**
 * Start / pause / resume / stop / single-step over a LifelongRun. The worker owns one per run; the
 * commands arrive as messages between turns, so a turn is never cut in half: pause and stop take
 * effect at the next turn boundary, where the weights and the statistics agree.
 */
import type { LifelongRun } from './lifelong-run';
import type { RunReport } from './events';

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
      await this.run.step();
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
