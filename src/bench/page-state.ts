/**
 * What a browser benchmark page (bench-*.html) reports to scripts/bench/browser.ts: `window.__bench`
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
