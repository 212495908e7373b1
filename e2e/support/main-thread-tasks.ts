/**
 * The page's own main-thread tasks while `during` runs, from a Chromium trace: each task's wall time
 * and its thread CPU time. A long task's wall time also counts every time slice the operating system
 * gave to other processes, so on a shared 2-core machine it measures the machine's load as much as the
 * page; the CPU time is what the page itself spent, the same on a busy or an idle machine.
 */
import type { Page } from '@playwright/test';

export interface MainThreadTask {
  /** Start, in ms on the trace clock, relative to `performance.mark(fromMark)` when given. */
  startMs: number;
  wallMs: number;
  cpuMs: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

export async function mainThreadTasks<T>(
  page: Page,
  during: () => Promise<T>,
  fromMark?: string,
): Promise<{ result: T; tasks: MainThreadTask[] }> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  const complete = new Promise((resolve) => cdp.on('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing',
    transferMode: 'ReportEvents',
  });
  const result = await during();
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();

  // The renderer's main thread(s); with one page open, the busiest one is this page's.
  const mains = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const runTasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && mains.has(`${e.pid}:${e.tid}`));
  const busy = new Map<string, number>();
  for (const e of runTasks) busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + (e.tdur ?? 0));
  const main = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!main) throw new Error('the trace has no renderer main-thread tasks');
  const mark = fromMark ? events.find((e) => e.name === fromMark && `${e.pid}:${e.tid}` === main) : undefined;
  if (fromMark && !mark) throw new Error(`the trace has no performance mark "${fromMark}"`);
  const t0 = mark?.ts ?? 0;
  const tasks = runTasks
    .filter((e) => `${e.pid}:${e.tid}` === main && e.ts >= t0)
    .map((e) => ({ startMs: (e.ts - t0) / 1000, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
  return { result, tasks };
}
