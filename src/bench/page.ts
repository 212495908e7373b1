/**
 * /bench.html: runs a profile in the bench worker on each requested backend (`?profile=tiny&backends=webgpu,wasm`)
 * and shows the same table as `npm run bench`. `window.__bench` holds { done, reports, error } for the
 * headless runner (scripts/bench/browser.ts).
 */
import type { ProfileReport } from './run-profile';
import { markdownTable } from './table';

interface BenchState {
  done: boolean;
  reports: ProfileReport[];
  error: string | null;
  userAgent: string;
  cores: number;
}

const params = new URLSearchParams(location.search);
const profile = params.get('profile') ?? 'tiny';
const backends = (params.get('backends') ?? 'webgpu,wasm').split(',') as ('webgpu' | 'wasm')[];
const state: BenchState = { done: false, reports: [], error: null, userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency };
(window as unknown as { __bench: BenchState }).__bench = state;

const out = document.getElementById('out')!;
const log = document.getElementById('log')!;
const say = (line: string) => (log.textContent += line + '\n');

function runOn(backend: 'webgpu' | 'wasm'): Promise<ProfileReport> {
  const worker = new Worker(new URL('../../workers/bench.worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'log') say(`[${backend}] ${m.line}`);
      else if (m.type === 'row') say(`[${backend}] ${m.result.label} ${m.result.editor}: ${m.result.totalMs.toFixed(0)} ms/turn`);
      else if (m.type === 'done') {
        worker.terminate();
        resolve(m.report);
      } else if (m.type === 'error') {
        worker.terminate();
        reject(new Error(`[${backend}] ${m.message}`));
      }
    };
    worker.onerror = (e) => reject(new Error(`[${backend}] worker failed: ${e.message}`));
    worker.postMessage({ profile, backend });
  });
}

async function main() {
  for (const b of backends) {
    const r = await runOn(b);
    state.reports.push(r);
    out.textContent = state.reports
      .map((x) => `${x.backend}: matmul peak ${x.peakGflops.toFixed(2)} GFLOP/s\n\n${markdownTable(x.results)}`)
      .join('\n\n');
  }
}

main()
  .catch((e: Error) => {
    state.error = e.message;
    say(`error: ${e.message}`);
  })
  .finally(() => (state.done = true));
