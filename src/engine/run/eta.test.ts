import { describe, expect, it } from 'vitest';
import { TurnEta } from './eta';

/** A run as the issue saw it: 18 s of pre-edit scoring, a slow first turn, cheap warm-up turns, dearer target turns. */
function simulate(eta: TurnEta, clock: { t: number }, kinds: ('warmup' | 'target')[], cost: (i: number) => number) {
  eta.start();
  for (let i = 0; i < kinds.length; i++) {
    clock.t += cost(i) * 1000;
    eta.turn(kinds[i]);
  }
}

describe('TurnEta', () => {
  const kinds = [...Array<'warmup'>(10).fill('warmup'), ...Array<'target'>(40).fill('target')];
  const cost = (i: number) => (i === 0 ? 6 : kinds[i] === 'warmup' ? 0.3 : 1.2);
  const trueLeft = (done: number) => kinds.slice(done).reduce((s, _, j) => s + cost(done + j), 0);
  const left = (done: number) => ({
    warmup: kinds.slice(done).filter((k) => k === 'warmup').length,
    target: kinds.slice(done).filter((k) => k === 'target').length,
  });

  it('converges on the true time left once a turn of each kind is timed (within 10 % from turn 12)', () => {
    for (const done of [12, 20, 35, 49]) {
      const clock = { t: 0 };
      const eta = new TurnEta(() => clock.t);
      simulate(eta, clock, kinds.slice(0, done), cost);
      const est = eta.eta(left(done))!;
      expect(Math.abs(est - trueLeft(done)) / trueLeft(done), `after ${done} turns`).toBeLessThan(0.1);
    }
  });

  it('is not fooled by the pre-edit scoring or a slow first turn: at turn 3 it is off by under 4× where the old estimate was 7× over', () => {
    const clock = { t: 0 };
    const eta = new TurnEta(() => clock.t);
    clock.t += 18_000; // pre-edit scoring, before turns start
    simulate(eta, clock, kinds.slice(0, 3), cost);
    const est = eta.eta(left(3))!;
    // Warm-up turns timed only: the target turns are estimated at the warm-up rate (an underestimate that the first target turn corrects).
    expect(est).toBeCloseTo(0.3 * 47, 6);
    const old = (clock.t / 1000 / 3) * 47; // seconds since the start over turns done
    expect(old / trueLeft(3)).toBeGreaterThan(5);
    expect(trueLeft(3) / est).toBeLessThan(4);
  });

  it('leaves paused time out, and adds the final evaluation', () => {
    const clock = { t: 0 };
    const eta = new TurnEta(() => clock.t);
    simulate(eta, clock, ['target', 'target', 'target'], () => 2);
    eta.hold();
    clock.t += 600_000;
    eta.start();
    clock.t += 2000;
    eta.turn('target');
    expect(eta.perTurn('target')).toBe(2);
    expect(eta.eta({ warmup: 0, target: 5 }, 7)).toBe(17);
  });

  it('knows nothing before a turn is timed', () => {
    const eta = new TurnEta(() => 0);
    expect(eta.eta({ warmup: 1, target: 1 })).toBeNull();
    expect(eta.eta({ warmup: 0, target: 0 }, 3)).toBe(3);
  });
});
