/**
 * A fetch for model downloads: keeps every response in the Cache API (so a reload or a second load
 * of the same Hub revision reads from disk, not the network), and counts bytes as they arrive for a
 * progress bar with speed and ETA, overall and for the file being read.
 *
 * Safetensors are read with Range requests (urlFile), and the Cache API cannot store partial
 * responses: each range is cached under its own key (`url?stableedit-cache=bytes%3Da-b`) as a plain 200 and answered
 * as a 206 on a hit, with the headers a reader of it uses (Content-Range, ETag: the Hub client's
 * one-byte probe reads size and ETag from them). HEAD answers are cached the same way (`…=head`). A
 * response that is not ok is never cached.
 */
export interface DownloadProgress {
  /** Bytes received over the network or read from the cache so far. */
  done: number;
  /** Sum of the sizes of the safetensors files announced so far (HEAD or a one-byte probe; 0 until one is seen). */
  total: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  fromCache: number;
  /** The file whose bytes just arrived: its name, bytes of it so far, its size where announced. */
  file: { name: string; done: number; size: number | null };
}

/** What cachedFetch needs of a cache: the Cache API's match and put (tests give one in memory). */
export interface ResponseCache {
  match(key: string): Promise<Response | undefined>;
  put(key: string, res: Response): Promise<void>;
}

/** The browser's Cache API, or null where there is none (Node) or it is refused (private mode). */
export function browserCache(name: string): Promise<ResponseCache | null> {
  return typeof caches === 'undefined' ? Promise.resolve(null) : caches.open(name).catch(() => null);
}

const SIZE_HEADER = 'x-stableedit-size';
const KEPT_HEADERS = ['content-length', 'x-linked-size', 'content-type'];
/** Kept with a cached range: what the Hub client and urlFile read from a partial answer. */
const RANGE_HEADERS = ['content-range', 'etag', 'x-linked-etag', 'x-linked-size', 'x-repo-commit', 'x-xet-hash', 'link', 'content-type'];

export function cachedFetch(
  cachePromise: Promise<ResponseCache | null>,
  onProgress: (p: DownloadProgress) => void,
  base: typeof fetch = fetch,
): typeof fetch {
  const t0 = performance.now();
  const p: Omit<DownloadProgress, 'file'> = { done: 0, total: 0, bytesPerSecond: 0, etaSeconds: null, fromCache: 0 };
  const files = new Map<string, { done: number; size: number | null }>();
  const fileOf = (url: string) => {
    let f = files.get(url);
    if (!f) files.set(url, (f = { done: 0, size: null }));
    return f;
  };

  const report = (url: string, bytes: number, cached: boolean) => {
    const f = fileOf(url);
    f.done += bytes;
    p.done += bytes;
    if (cached) p.fromCache += bytes;
    const seconds = (performance.now() - t0) / 1000;
    p.bytesPerSecond = seconds > 0 ? p.done / seconds : 0;
    p.etaSeconds = p.total > p.done && p.bytesPerSecond > 0 ? (p.total - p.done) / p.bytesPerSecond : p.total > 0 ? 0 : null;
    onProgress({ ...p, file: { name: fileName(url), ...f } });
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
        noteSize(url, h.get('content-length') ?? h.get('x-linked-size'));
        return new Response(null, { status: 200, headers: h });
      }
      const body = new Uint8Array(await hit.arrayBuffer());
      if (range) noteProbe(url, range, hit.headers);
      report(url, body.length, true);
      return new Response(body, { status: range ? 206 : 200, headers: hit.headers });
    }
    const res = await base(input, init);
    // A HEAD answer's (empty) body is read at once: one left unread is cancelled by Chromium when it is
    // collected, and every model file showed as a cancelled request (net::ERR_ABORTED) on each load.
    if (method === 'HEAD') await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) return res;
    if (method === 'HEAD') {
      noteSize(url, res.headers.get('content-length') ?? res.headers.get('x-linked-size'));
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
    if (range) noteProbe(url, range, res.headers);
    const body = await readCounting(res, (n) => report(url, n, false));
    const out = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    // Only a real partial answer is stored under a range key: a server that ignored Range sent the whole file.
    if (!range || res.status === 206) {
      const kept = new Headers({ 'content-type': 'application/octet-stream' });
      if (range) for (const h of RANGE_HEADERS) if (res.headers.get(h) !== null) kept.set(h, res.headers.get(h)!);
      await cache?.put(key, new Response(body, { status: 200, headers: kept })).catch(() => undefined);
    }
    return out;
  };

  /** A file's size, once per file: from HEAD, or from the Content-Range of the Hub client's one-byte probe. */
  function noteSize(url: string, value: string | null) {
    const n = Number(value);
    const f = fileOf(url);
    if (f.size !== null || value === null || !Number.isSafeInteger(n) || n <= 0) return;
    f.size = n;
    if (/\.safetensors$/.test(new URL(url).pathname)) p.total += n;
  }

  function noteProbe(url: string, range: string, h: Headers) {
    if (range !== 'bytes=0-0') return;
    noteSize(url, h.get('x-linked-size') ?? h.get('content-range')?.split('/')[1] ?? null);
  }
}

function fileName(url: string): string {
  const path = new URL(url).pathname;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
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
      // Read the page's body to its end: dropped unread, Chromium cancels the request (net::ERR_ABORTED).
      await res.arrayBuffer().catch(() => undefined);
      return new Response(null, { status: 404, statusText: 'Not Found' });
    }
    return res;
  };
}
