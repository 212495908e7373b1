/**
 * /benchmarks/pages/profile.html: runs a profile in the bench worker on each requested backend
 * (`?profile=tiny&backends=webgpu,wasm:1,wasm`: `wasm:K` is the wasm EP on K threads, `wasm` on every
 * core the page may use) and shows the same table as `npm run bench`. Each configuration runs in its
 * own worker; once all are done every row's roofline is re-taken against the best MatMul any of
 * them reached (the machine's peak). `window.__bench` holds { done, reports, error } for the
 * headless runner (benchmarks/node/browser.ts).
 */
import { derive, type MachinePeak } from '../src/result';
import type { ProfileReport } from '../src/run-profile';
import { markdownTable } from '../src/table';

interface BenchState {
  done: boolean;
  reports: ProfileReport[];
  error: string | null;
  userAgent: string;
  cores: number;
  crossOriginIsolated: boolean;
}

const params = new URLSearchParams(location.search);
const profile = params.get('profile') ?? 'tiny';
const backends = (params.get('backends') ?? 'webgpu,wasm:1,wasm').split(',');
const state: BenchState = {
  done: false,
  reports: [],
  error: null,
  userAgent: navigator.userAgent,
  cores: navigator.hardwareConcurrency,
  crossOriginIsolated: self.crossOriginIsolated,
};
(window as unknown as { __bench: BenchState }).__bench = state;

const out = document.getElementById('out')!;
const log = document.getElementById('log')!;
const say = (line: string) => (log.textContent += line + '\n');

/** `webgpu`, `wasm` (every core) or `wasm:K`. */
function runOn(spec: string): Promise<ProfileReport> {
  const [backend, k] = spec.split(':');
  if (backend !== 'webgpu' && backend !== 'wasm') return Promise.reject(new Error(`backends: '${spec}' is not webgpu, wasm or wasm:K`));
  const threads = k === undefined ? undefined : Number(k);
  const worker = new Worker(new URL('./profile.worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'log') say(`[${spec}] ${m.line}`);
      else if (m.type === 'row') say(`[${spec}] ${m.result.label} ${m.result.editor}: ${m.result.totalMs.toFixed(0)} ms/turn`);
      else if (m.type === 'done') {
        worker.terminate();
        resolve(m.report);
      } else if (m.type === 'error') {
        worker.terminate();
        reject(new Error(`[${spec}] ${m.message}`));
      }
    };
    worker.onerror = (e) => reject(new Error(`[${spec}] worker failed: ${e.message}`));
    worker.postMessage({ profile, backend, threads });
  });
}

const show = () =>
  (out.textContent = state.reports
    .map((x) => `${x.backendLabel}: matmul peak ${x.peakGflops.toFixed(2)} GFLOP/s\n\n${markdownTable(x.results)}`)
    .join('\n\n'));

async function main() {
  for (const b of backends) {
    state.reports.push(await runOn(b));
    show();
  }
  const best = state.reports.reduce<MachinePeak>(
    (a, r) => (r.peakGflops > a.gflops ? { gflops: r.peakGflops, backend: r.backendLabel } : a),
    {
      gflops: 0,
      backend: '',
    },
  );
  for (const r of state.reports) {
    r.machinePeak = best;
    r.results = r.results.map((x) => derive({ ...x, machinePeak: best }));
  }
  show();
}

main()
  .catch((e: Error) => {
    state.error = e.message;
    say(`error: ${e.message}`);
  })
  .finally(() => (state.done = true));
