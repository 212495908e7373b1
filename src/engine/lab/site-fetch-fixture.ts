/**
 * For the lab's tests in Node: `fetch` answering from public/ as a static host serves it — HEAD with
 * content-length, Range → 206, missing → 404 — so the Lab loads the demo model and data by URL as
 * the page does.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const PUBLIC = join(import.meta.dirname, '../../../public');

export const siteFetch: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const path = join(PUBLIC, decodeURIComponent(url.pathname));
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return new Response(null, { status: 404 });
  }
  if (init?.method === 'HEAD') return new Response(null, { status: 200, headers: { 'content-length': String(size) } });
  const bytes = readFileSync(path);
  const range = new Headers(init?.headers).get('Range');
  if (range) {
    const [a, b] = range.replace('bytes=', '').split('-').map(Number);
    return new Response(bytes.subarray(a, Math.min(b + 1, size)), { status: 206 });
  }
  return new Response(bytes, { status: 200 });
};
