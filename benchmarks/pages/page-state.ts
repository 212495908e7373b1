/**
 * What a browser benchmark page (benchmarks/pages/*.html) reports to benchmarks/node/browser.ts: `window.__bench`
 * holds { done, rows, error, adapter, userAgent }, filled as the page runs.
 */
export interface BenchPageState<Row> {
  done: boolean;
  rows: Row[];
  error: string | null;
  adapter: string;
  userAgent: string;
}

/** A fresh state, published as `window.__bench`. */
export function benchPageState<Row>(): BenchPageState<Row> {
  const state: BenchPageState<Row> = { done: false, rows: [], error: null, adapter: '', userAgent: navigator.userAgent };
  (window as unknown as { __bench: BenchPageState<Row> }).__bench = state;
  return state;
}

/** Runs a bench page's body: its error, if any, into the state and the page; `done` set either way. */
export function runBenchPage<Row>(state: BenchPageState<Row>, out: HTMLElement, body: () => Promise<void>): void {
  body()
    .catch((e: Error) => {
      state.error = e.message;
      out.textContent = `error: ${e.message}`;
    })
    .finally(() => (state.done = true));
}
