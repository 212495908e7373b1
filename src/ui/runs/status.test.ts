import { describe, expect, it } from 'vitest';
import { isActive, restoredStatus, runActions, statusLabel } from './status';
import type { RunStatus } from './types';

const ALL: RunStatus[] = ['starting', 'running', 'paused', 'stopped', 'finished', 'failed', 'interrupted'];

describe('the run state machine', () => {
  it('offers exactly the actions each state allows', () => {
    const table = Object.fromEntries(ALL.map((s) => [s, runActions(s)]));
    expect(table).toEqual({
      starting: { pause: false, resume: null, step: false, stop: false },
      running: { pause: true, resume: null, step: false, stop: true },
      paused: { pause: false, resume: 'resume', step: true, stop: true },
      stopped: { pause: false, resume: 'reopen', step: false, stop: false },
      finished: { pause: false, resume: null, step: false, stop: false },
      failed: { pause: false, resume: null, step: false, stop: false },
      interrupted: { pause: false, resume: 'reopen', step: false, stop: false },
    });
  });
  it('a reload interrupts what was going and keeps what had ended', () => {
    expect(ALL.map(restoredStatus)).toEqual(['interrupted', 'interrupted', 'interrupted', 'stopped', 'finished', 'failed', 'interrupted']);
    expect(ALL.filter(isActive)).toEqual(['starting', 'running', 'paused']);
  });
  it('names each state once, the same words everywhere', () => {
    expect(new Set(ALL.map(statusLabel)).size).toBe(ALL.length);
  });
});
