/**
 * Browser FileSources: a File/Blob (picked or dropped), a dropped directory's file list, and files
 * behind URLs (a Hub `resolve/<rev>/` base or the app's own public/ folder) read with HTTP Range
 * requests so a multi-GB safetensors is never downloaded whole just to read its header.
 * Uses only fetch/Blob, so it also runs in Node ≥ 20 (tests).
 */
import { InputError, type FileSource, type FolderSource } from '../types';

export function blobFile(blob: Blob, name: string): FileSource {
  return {
    name,
    size: async () => blob.size,
    read: async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer()),
    stream: () => readableChunks(blob.stream()),
  };
}

/** Files of a picked/dropped directory; paths are taken relative to its top folder (webkitRelativePath). */
export function fileListFolder(files: ArrayLike<File>, name?: string): FolderSource {
  const byPath = new Map<string, File>();
  let top = name ?? '';
  for (const f of Array.from(files)) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    const parts = rel.split('/');
    if (parts.length > 1) {
      top ||= parts[0];
      byPath.set(parts.slice(1).join('/'), f);
    } else {
      byPath.set(rel, f);
    }
  }
  const folderName = top || 'files';
  return {
    name: folderName,
    open: async (path) => {
      const f = byPath.get(path);
      return f ? blobFile(f, `${folderName}/${path}`) : null;
    },
  };
}

export interface UrlOptions {
  headers?: Record<string, string>;
  /** Injected for tests or for a caching fetch (Cache API) on the UI side. */
  fetch?: typeof fetch;
}

/**
 * A file at `url`. Size comes from HEAD (after redirects, as the Hub redirects LFS files to its CDN);
 * reads use Range and fall back to slicing a full 200 response (kept, so it is fetched once).
 */
export function urlFile(url: string, opts: UrlOptions = {}, knownSize?: number): FileSource {
  const f = noHttpCache(opts.fetch ?? fetch);
  const headers = opts.headers ?? {};
  let size: number | undefined = knownSize;
  let whole: Promise<Uint8Array> | null = null;

  const fetchWhole = () =>
    (whole ??= (async () => {
      const res = await f(url, { headers });
      if (!res.ok) throw new InputError(url, `HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    })());

  return {
    name: url,
    async size() {
      if (size !== undefined) return size;
      size = await headSize(url, f, headers);
      if (size === undefined) size = (await fetchWhole()).length;
      return size;
    },
    async read(start, end) {
      if (end <= start) return new Uint8Array(0);
      if (whole) return (await whole).subarray(start, end);
      const res = await f(url, { headers: { ...headers, Range: `bytes=${start}-${end - 1}` } });
      if (res.status === 206) return new Uint8Array(await res.arrayBuffer());
      if (res.status === 416) return new Uint8Array(0);
      if (!res.ok) throw new InputError(url, `HTTP ${res.status} ${res.statusText}`);
      // Server ignored Range: keep the body for later reads.
      whole = Promise.resolve(new Uint8Array(await res.arrayBuffer()));
      return (await whole).subarray(start, end);
    },
    async *stream() {
      const res = await f(url, { headers });
      if (!res.ok || !res.body) throw new InputError(url, `HTTP ${res.status} ${res.statusText}`);
      yield* readableChunks(res.body);
    },
  };
}

/** A folder of files under `baseUrl` (e.g. `https://huggingface.co/<repo>/resolve/<rev>/`). */
export function urlFolder(baseUrl: string, opts: UrlOptions = {}): FolderSource {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  const f = noHttpCache(opts.fetch ?? fetch);
  const headers = opts.headers ?? {};
  return {
    name: base.replace(/\/$/, ''),
    async open(path) {
      const url = base + path.split('/').map(encodeURIComponent).join('/');
      const res = await head(f, url, headers);
      if (res.status === 404) return null;
      if (res.status === 401 || res.status === 403) {
        throw new InputError(url, `HTTP ${res.status}: access denied (gated or private repository? an access token may be needed)`);
      }
      if (!res.ok && res.status !== 405) throw new InputError(url, `HTTP ${res.status} ${res.statusText}`);
      return urlFile(url, opts, res.ok ? contentLength(res) : undefined);
    },
  };
}

/**
 * Requests that bypass the browser's HTTP cache. Ranges of one URL read here and a full GET of it
 * must not be combined by that cache: servers that compress (Vite's preview server, many static
 * hosts) answer a Range request with a gzip-encoded 206, and a cache that stitches a stored range to
 * the rest fetched later hands the reader raw gzip bytes at the range boundary. Model files keep
 * their own cache (the Cache API, per exact range), so nothing is downloaded twice because of this.
 */
export function noHttpCache(f: typeof fetch): typeof fetch {
  return (input, init) => f(input, { ...init, cache: 'no-store' });
}

/**
 * A HEAD request, its (empty) body read to the end: a response whose body is never read stays open
 * until it is collected, and Chromium then cancels it (net::ERR_ABORTED). cachedFetch reads the
 * answers it passes on the same way, as soon as they arrive.
 */
async function head(f: typeof fetch, url: string, headers: Record<string, string>): Promise<Response> {
  const res = await f(url, { method: 'HEAD', headers });
  await res.arrayBuffer().catch(() => undefined);
  return res;
}

async function headSize(url: string, f: typeof fetch, headers: Record<string, string>): Promise<number | undefined> {
  const res = await head(f, url, headers);
  if (res.status === 404) throw new InputError(url, 'HTTP 404: file not found');
  return res.ok ? contentLength(res) : undefined;
}

function contentLength(res: Response): number | undefined {
  // The Hub reports the LFS object size on the pre-redirect response; after the redirect content-length is the file.
  // A compressed response's length is not the file's: read the whole body instead.
  const enc = res.headers.get('content-encoding');
  if (enc && enc !== 'identity') return undefined;
  const v = res.headers.get('content-length') ?? res.headers.get('x-linked-size');
  if (v === null) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

async function* readableChunks(body: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
