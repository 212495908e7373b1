import { describe, expect, it } from 'vitest';
import { isCommand, isWorkerEvent } from './messages';

describe('protocol guards', () => {
  it('accepts known commands with an id and rejects others', () => {
    expect(isCommand({ type: 'device/init', id: 3 })).toBe(true);
    expect(isCommand({ type: 'device/init' })).toBe(false);
    expect(isCommand({ type: 'device/explode', id: 1 })).toBe(false);
    expect(isCommand(null)).toBe(false);
    expect(isCommand('device/init')).toBe(false);
  });
  it('accepts known events and rejects others', () => {
    expect(isWorkerEvent({ type: 'device/lost', reason: 'unknown', message: '' })).toBe(true);
    expect(isWorkerEvent({ type: 'device/init', id: 1 })).toBe(false);
    expect(isWorkerEvent({ type: 'toString' })).toBe(false);
  });
});
