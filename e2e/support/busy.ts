/**
 * Keeps the machine busy while a test runs: a user's machine that is loading a model, compiling or
 * running other jobs. Timing-dependent faults (a request that answers late, a chunk that arrives
 * after the next one is asked for) show up there and not on an idle test machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export function keepBusy(processes: number): () => void {
  const children: ChildProcess[] = [];
  for (let i = 0; i < processes; i++) {
    // Bounded so a test that dies without cleaning up leaves nothing spinning for long.
    children.push(spawn(process.execPath, ['-e', 'const end = Date.now() + 600e3; while (Date.now() < end) {}'], { stdio: 'ignore' }));
  }
  return () => {
    for (const c of children) c.kill('SIGKILL');
  };
}
