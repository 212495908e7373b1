/**
 * A local server in the Hub's layout, for tests: `/<owner>/<name>/resolve/<revision>/<path>` answers
 * as huggingface.co does for what the lab asks of it — GET and HEAD, Range → 206 with Content-Range,
 * ETag and X-Repo-Commit, and the Hub's refusals with their X-Error-Code: a missing file (404
 * EntryNotFound), an unknown revision (404 RevisionNotFound), an unknown repository (401
 * RepoNotFound, as the Hub answers without a token), a gated repository without a token (401
 * GatedRepo) or with one that has no access (403 GatedRepo). Every request is logged. Node only.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalRepo {
  files: Map<string, Uint8Array | string>;
  /** Revisions the repository has (branch names, commits); "main" when not given. */
  revisions?: string[];
  /** Only this token may read it (a gated repository whose licence that account accepted). */
  gatedToken?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  range: string | null;
  status: number;
}

export interface LocalHub {
  url: string;
  log: LoggedRequest[];
  close(): Promise<void>;
}

export async function startLocalHub(repos: Record<string, LocalRepo>): Promise<LocalHub> {
  const enc = new TextEncoder();
  const log: LoggedRequest[] = [];
  const server = createServer((req, res) => {
    const status = answer(req, res);
    log.push({ method: req.method ?? 'GET', path: decodeURIComponent(req.url ?? ''), range: req.headers.range ?? null, status });
  });

  function refuse(res: ServerResponse, status: number, code: string, message: string): number {
    res.writeHead(status, { 'X-Error-Code': code, 'X-Error-Message': message, 'Content-Type': 'text/plain' });
    res.end(message);
    return status;
  }

  function answer(req: IncomingMessage, res: ServerResponse): number {
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(new URL(req.url ?? '/', 'http://hub').pathname);
    if (!m) return refuse(res, 404, 'NotFound', 'Not found');
    const [, repoId, rev, path] = m.map((s) => decodeURIComponent(s));
    const repo = repos[repoId];
    if (!repo) return refuse(res, 401, 'RepoNotFound', 'Repository not found');
    if (repo.gatedToken !== undefined) {
      const auth = req.headers.authorization;
      if (!auth)
        return refuse(
          res,
          401,
          'GatedRepo',
          `Access to model ${repoId} is restricted. You must have access to it and be authenticated to access it.`,
        );
      if (auth !== `Bearer ${repo.gatedToken}`)
        return refuse(res, 403, 'GatedRepo', `Access to model ${repoId} is restricted and you are not in the authorized list.`);
    }
    const revisions = repo.revisions ?? ['main'];
    if (!revisions.includes(rev)) return refuse(res, 404, 'RevisionNotFound', 'Invalid rev id: ' + rev);
    const file = repo.files.get(path);
    if (file === undefined) return refuse(res, 404, 'EntryNotFound', 'Entry not found');
    const body = typeof file === 'string' ? enc.encode(file) : file;
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ETag: `"${createHash('sha256').update(body).digest('hex')}"`,
      'X-Repo-Commit': createHash('sha1')
        .update(repoId + rev)
        .digest('hex'),
    };
    const range = /^bytes=(\d+)-(\d+)?$/.exec(req.headers.range ?? '');
    let status = 200;
    let part = body;
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] === undefined ? body.length - 1 : Number(range[2]), body.length - 1);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` });
        res.end();
        return 416;
      }
      part = body.subarray(start, end + 1);
      headers['Content-Range'] = `bytes ${start}-${end}/${body.length}`;
      status = 206;
    }
    headers['Content-Length'] = String(part.length);
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : part);
    return status;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
