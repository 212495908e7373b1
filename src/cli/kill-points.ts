/**
 * Fault injection for the fault suite (src/cli/faults/): with STABLEEDIT_KILL_AT="<point>#<n>" the
 * process kills itself with SIGKILL the n-th time it passes <point> (1-based), e.g.
 * "partial:checkpoint.bin#2" — half-way through writing the second checkpoint; "<point>#<n>=SIGINT"
 * sends itself that signal instead (as a user's Ctrl-C would arrive), and several such entries may be
 * given, separated by commas. Points are passed at every output write (partial:<file>,
 * renamed:<file>), after each metrics line (appended:metrics.jsonl) and after the checkpoint is
 * removed (removed:checkpoint.bin). Unset, this does nothing.
 */
import { basename } from 'node:path';
import type { WriteHook } from '../engine/io/atomic-write';

const targets = (process.env.STABLEEDIT_KILL_AT ?? '')
  .split(',')
  .map((t) => /^(.+)#(\d+)(?:=(SIG[A-Z]+))?$/.exec(t.trim()))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ point: m[1], n: Number(m[2]), signal: (m[3] ?? 'SIGKILL') as NodeJS.Signals }));
const seen = new Map<string, number>();

export function killPoint(point: string): void {
  if (!targets.some((t) => t.point === point)) return;
  const n = (seen.get(point) ?? 0) + 1;
  seen.set(point, n);
  for (const t of targets) if (t.point === point && t.n === n) process.kill(process.pid, t.signal);
}

export const killAtWrites: WriteHook = (path, phase) => killPoint(`${phase}:${basename(path)}`);

/**
 * With STABLEEDIT_LOSE_DEVICE_AT="<point>#<n>" the n-th pass of <point> destroys the GPU device, as a
 * driver reset would lose it (the fault suite's lost-device case); unset, or without a device, nothing.
 */
const loseAt = /^(.+)#(\d+)$/.exec(process.env.STABLEEDIT_LOSE_DEVICE_AT ?? '');

export function faultPoint(point: string, device: GPUDevice | undefined): void {
  if (!loseAt || loseAt[1] !== point || !device) return;
  const n = (seen.get(`lose:${point}`) ?? 0) + 1;
  seen.set(`lose:${point}`, n);
  if (n === Number(loseAt[2])) device.destroy();
}
