/**
 * Fault injection for the fault suite (src/cli/faults/): with STABLEEDIT_KILL_AT="<point>#<n>" the
 * process kills itself with SIGKILL the n-th time it passes <point> (1-based), e.g.
 * "partial:checkpoint.bin#2" — half-way through writing the second checkpoint. Points are passed at
 * every output write (partial:<file>, renamed:<file>), after each metrics line (appended:metrics.jsonl)
 * and after the checkpoint is removed (removed:checkpoint.bin). Unset, this does nothing.
 */
import { basename } from 'node:path';
import type { WriteHook } from '../engine/io/atomic-write';

const target = /^(.+)#(\d+)$/.exec(process.env.STABLEEDIT_KILL_AT ?? '');
const seen = new Map<string, number>();

export function killPoint(point: string): void {
  if (!target || target[1] !== point) return;
  const n = (seen.get(point) ?? 0) + 1;
  seen.set(point, n);
  if (n === Number(target[2])) process.kill(process.pid, 'SIGKILL');
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
