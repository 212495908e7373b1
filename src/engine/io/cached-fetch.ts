/**
 * A fetch for model downloads: keeps every response in the Cache API (so a reload or a second load
 * of the same Hub revision reads from disk, not the network), and counts bytes as they arrive for a
 * progress bar with speed and ETA.
 *
 * Safetensors are read with Range requests (urlFile), and the Cache API cannot store partial
 * responses: each range is cached under its own key (`url?stableedit-cache=bytes%3Da-b`) as a plain 200 and answered
 * as a 206 on a hit. HEAD answers are cached the same way (`…=head`), keeping only the headers the
 * reader uses. A response that is not ok is never cached.
 */
export interface DownloadProgress {
  /** Bytes received over the network or read from the cache so far. */
  done: number;
  /** Sum of the sizes of the safetensors files announced by HEAD so far (0 until one is seen). */
  total: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  fromCache: number;
}

const SIZE_HEADER = 'x-stableedit-size';
const KEPT_HEADERS = ['content-length', 'x-linked-size', 'content-type'];

export function cachedFetch(cacheName: string, onProgress: (p: DownloadProgress) => void, base: typeof fetch = fetch): typeof fetch {
  const t0 = performance.now();
  const p: DownloadProgress = { done: 0, total: 0, bytesPerSecond: 0, etaSeconds: null, fromCache: 0 };
  const cachePromise: Promise<Cache | null> =
    typeof caches === 'undefined' ? Promise.resolve(null) : caches.open(cacheName).catch(() => null);

  const report = (bytes: number, cached: boolean) => {
    p.done += bytes;
    if (cached) p.fromCache += bytes;
    const seconds = (performance.now() - t0) / 1000;
    p.bytesPerSecond = seconds > 0 ? p.done / seconds : 0;
    p.etaSeconds = p.total > p.done && p.bytesPerSecond > 0 ? (p.total - p.done) / p.bytesPerSecond : p.total > 0 ? 0 : null;
    onProgress({ ...p });
  };

  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers);
    const range = headers.get('Range');
    // Cache keys ignore URL fragments: the variant goes in the query instead.
    const variant = (v: string) => `${url}${url.includes('?') ? '&' : '?'}stableedit-cache=${encodeURIComponent(v)}`;
    const key = method === 'HEAD' ? variant('head') : range ? variant(range) : url;
    const cache = await cachePromise;
    const hit = cache ? await cache.match(key) : undefined;
    if (hit) {
      if (method === 'HEAD') {
        // The cache drops content-length from a body-less entry: the size travels in a header of our own.
        const h = new Headers(hit.headers);
        const size = h.get(SIZE_HEADER);
        h.delete(SIZE_HEADER);
        if (size !== null) h.set('content-length', size);
        noteSize(url, h);
        return new Response(null, { status: 200, headers: h });
      }
      const body = new Uint8Array(await hit.arrayBuffer());
      report(body.length, true);
      return new Response(body, { status: range ? 206 : 200, headers: hit.headers });
    }
    const res = await base(input, init);
    if (!res.ok) return res;
    if (method === 'HEAD') {
      noteSize(url, res.headers);
      const kept = new Headers();
      for (const h of KEPT_HEADERS) {
        const v = res.headers.get(h);
        if (v !== null) kept.set(h, v);
      }
      // A compressed answer's length is not the file's; the reader then reads the body instead.
      if (res.headers.get('content-encoding') && res.headers.get('content-encoding') !== 'identity') kept.delete('content-length');
      const size = kept.get('content-length');
      kept.delete('content-length');
      if (size !== null) kept.set(SIZE_HEADER, size);
      await cache?.put(key, new Response(null, { status: 200, headers: kept })).catch(() => undefined);
      return res;
    }
    const body = await readCounting(res, (n) => report(n, false));
    const out = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    // Only a real partial answer is stored under a range key: a server that ignored Range sent the whole file.
    if (!range || res.status === 206)
      await cache
        ?.put(key, new Response(body, { status: 200, headers: { 'content-type': 'application/octet-stream' } }))
        .catch(() => undefined);
    return out;
  };

  function noteSize(url: string, h: Headers) {
    if (!/\.safetensors$/.test(new URL(url).pathname)) return;
    const n = Number(h.get('content-length') ?? h.get('x-linked-size'));
    if (Number.isFinite(n) && n > 0) p.total += n;
  }
}

async function readCounting(res: Response, onChunk: (bytes: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  if (!res.body) {
    const b = new Uint8Array(await res.arrayBuffer());
    onChunk(b.length);
    return b;
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    onChunk(value.length);
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * The app's own server answers a missing file with index.html (Vite's SPA fallback, dev and
 * preview alike); for the demo folder that must read as "not there" (e.g. no
 * model.safetensors.index.json), not as a JSON file full of HTML.
 */
export function withoutSpaFallback(base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const res = await base(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (res.ok && /text\/html/.test(res.headers.get('content-type') ?? '') && !/\.html?$/.test(new URL(url).pathname)) {
      return new Response(null, { status: 404, statusText: 'Not Found' });
    }
    return res;
  };
}
