/**
 * Peak resident memory of the browser a test drives: every process descended from this Playwright
 * worker (the browser, its renderer — where the page and its Web Worker run — and its GPU process,
 * which holds SwiftShader's buffers, i.e. the "GPU memory" on a machine without a GPU), sampled from
 * /proc. Linux only; elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MemoryPeak {
  /** Peak of the sum over all processes, bytes. */
  total: number;
  /** Peak per process type ('browser', 'renderer', 'gpu-process', 'utility', …), bytes. */
  byType: Record<string, number>;
  /** Per process type when the watch started (what the peak grew from), bytes. */
  start: Record<string, number>;
}

function children(): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid)!.push(Number(d));
    } catch {
      // the process ended between listing and reading
    }
  }
  return kids;
}

function sample(peak: MemoryPeak): void {
  const kids = children();
  const stack = [...(kids.get(process.pid) ?? [])];
  let total = 0;
  const byType: Record<string, number> = {};
  while (stack.length) {
    const pid = stack.pop()!;
    stack.push(...(kids.get(pid) ?? []));
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!/chrom/i.test(cmd.split('\0')[0])) continue;
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      total += rss;
      byType[type] = (byType[type] ?? 0) + rss;
    } catch {
      // ended
    }
  }
  if (peak.total === 0) peak.start = { ...byType };
  peak.total = Math.max(peak.total, total);
  for (const [t, v] of Object.entries(byType)) peak.byType[t] = Math.max(peak.byType[t] ?? 0, v);
}

/** Samples until stopped; returns the peaks seen. */
export function watchMemory(intervalMs = 200): () => MemoryPeak {
  const peak: MemoryPeak = { total: 0, byType: {}, start: {} };
  if (process.platform !== 'linux') return () => peak;
  sample(peak);
  const timer = setInterval(() => sample(peak), intervalMs);
  return () => {
    clearInterval(timer);
    sample(peak);
    return peak;
  };
}
