/**
 * A dataset behind a URL is read with one request, and that request bypasses the browser's HTTP
 * cache. The built site used to sniff the container with a Range request (bytes 0–4095) and then
 * GET the whole file; a browser cache that held the range served it and fetched the rest, which a
 * compressing server (Vite's preview, many static hosts) sent gzip-encoded — the reader got raw gzip
 * bytes at offset 4096. `stitchingFetch` models that cache so the failure is reproducible here.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { urlFile } from '../io/files.web';
import { loadDataset } from './dataset';

const records = Array.from({ length: 200 }, (_, i) => ({
  src: `Où est ${i}?`,
  rephrase: `r ${i}`,
  ans: `Zürich ${i}`,
  loc: 'l',
  loc_ans: 'la',
}));
const body = new TextEncoder().encode(JSON.stringify(records, null, 1));

interface Seen {
  range: string | null;
  cache: RequestCache | undefined;
}

/** A server that honours Range, plus (unless `cache` is 'no-store') an HTTP cache that stitches ranges as described above. */
function stitchingFetch(seen: Seen[]): typeof fetch {
  let cachedPrefix: number | null = null;
  return async (_input, init) => {
    const range = new Headers(init?.headers).get('Range');
    seen.push({ range, cache: init?.cache });
    const useCache = init?.cache !== 'no-store';
    if (range) {
      const [a, b] = range.replace('bytes=', '').split('-').map(Number);
      if (useCache && a === 0) cachedPrefix = b + 1;
      return new Response(body.slice(a, b + 1), { status: 206 });
    }
    if (useCache && cachedPrefix !== null) {
      // the cached range, then the rest as the compressing server sent it (still encoded)
      const rest = gzipSync(body.slice(cachedPrefix));
      const out = new Uint8Array(cachedPrefix + rest.length);
      out.set(body.slice(0, cachedPrefix));
      out.set(rest, cachedPrefix);
      return new Response(out, { status: 200 });
    }
    return new Response(body, { status: 200 });
  };
}

describe('a dataset at a URL', () => {
  it('is read whole with a single uncached GET and no Range request', async () => {
    const seen: Seen[] = [];
    const file = { ...urlFile('http://localhost/demo/data/edits.eval.json', { fetch: stitchingFetch(seen) }), name: 'edits.eval.json' };
    const { records: got, report } = await loadDataset(file, { onInvalid: 'stop' });
    expect(report.issueCount).toBe(0);
    expect(got.length).toBe(200);
    expect(got[199].answer).toBe('Zürich 199');
    expect(seen).toEqual([{ range: null, cache: 'no-store' }]);
  });

  it('ranges of the same file (safetensors headers) bypass the HTTP cache too', async () => {
    const seen: Seen[] = [];
    const file = urlFile('http://localhost/demo/model/model.safetensors', { fetch: stitchingFetch(seen) }, body.length);
    expect(await file.read(10, 20)).toEqual(body.slice(10, 20));
    expect(seen).toEqual([{ range: 'bytes=10-19', cache: 'no-store' }]);
  });
});
