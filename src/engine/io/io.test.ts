import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSource, FolderSource } from '../types';
import { tinyCheckpoint } from '../model/generate-tiny';
import { loadModel } from '../model/load';
import { nodeFolder } from './node-files';
import { blobFile, fileListFolder, urlFolder } from './files.web';
import { memoryFolder } from './memory';
import { readAllBytes } from './text';

const BYTES = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) & 255);

async function collect(f: FileSource): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of f.stream()) parts.push(c);
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

/** Every FolderSource must serve the same bytes for the same ranges. */
async function checkFolder(folder: FolderSource): Promise<void> {
  expect(await folder.open('missing.bin')).toBeNull();
  const f = (await folder.open('sub/data.bin'))!;
  expect(await f.size()).toBe(BYTES.length);
  expect(await f.read(100, 1100)).toEqual(BYTES.subarray(100, 1100));
  expect(await f.read(2990, 3000)).toEqual(BYTES.subarray(2990));
  expect(await f.read(5, 5)).toEqual(new Uint8Array(0));
  expect(await collect(f)).toEqual(BYTES);
}

describe('FolderSources', () => {
  let dir = '';
  let server: Server;
  let base = '';
  const requests: string[] = [];
  let honourRange = true;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'io-'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'data.bin'), BYTES);
    const ck = tinyCheckpoint({ arch: 'gpt2', seed: 1 });
    await mkdir(join(dir, 'ck'));
    for (const [n, d] of ck) await writeFile(join(dir, 'ck', n), d);
    const files = new Map<string, Uint8Array>([
      ['/sub/data.bin', BYTES],
      ...[...ck].map(([n, d]) => [`/ck/${n}`, typeof d === 'string' ? new TextEncoder().encode(d) : d] as [string, Uint8Array]),
    ]);
    server = createServer((req, res) => {
      const body = files.get(decodeURIComponent(req.url ?? ''));
      requests.push(`${req.method} ${req.url} ${req.headers.range ?? ''} ${req.headers.authorization ?? ''}`);
      if (!body) return res.writeHead(404).end();
      const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
      if (range && honourRange) {
        const [s, e] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)];
        res.writeHead(206, { 'content-length': e - s + 1, 'content-range': `bytes ${s}-${e}/${body.length}` });
        return res.end(req.method === 'HEAD' ? undefined : body.subarray(s, e + 1));
      }
      res.writeHead(200, { 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('nodeFolder reads ranges and refuses paths that leave the folder', async () => {
    await checkFolder(nodeFolder(dir));
    await expect(nodeFolder(join(dir, 'sub')).open('../ck/config.json')).rejects.toThrow(/leaves the folder/);
  });

  it('urlFolder reads with Range requests, sending the given headers', async () => {
    requests.length = 0;
    await checkFolder(urlFolder(base, { headers: { authorization: 'Bearer hf_test' } }));
    expect(requests.some((r) => r.includes('bytes=100-1099') && r.endsWith('Bearer hf_test'))).toBe(true);
  });

  it('urlFolder falls back to one full download when the server ignores Range', async () => {
    honourRange = false;
    requests.length = 0;
    try {
      const f = (await urlFolder(base).open('sub/data.bin'))!;
      expect(await f.read(10, 20)).toEqual(BYTES.subarray(10, 20));
      expect(await f.read(2000, 2100)).toEqual(BYTES.subarray(2000, 2100));
      expect(requests.filter((r) => r.startsWith('GET'))).toHaveLength(1);
    } finally {
      honourRange = true;
    }
  });

  it('a checkpoint loads the same from a URL base, a directory and dropped Files', async () => {
    const fromUrl = await loadModel(urlFolder(base + 'ck'));
    const fromDisk = await loadModel(nodeFolder(join(dir, 'ck')));
    const ck = tinyCheckpoint({ arch: 'gpt2', seed: 1 });
    const dropped = [...ck].map(([n, d]) => {
      const f = new File([typeof d === 'string' ? d : new Uint8Array(d)], n);
      Object.defineProperty(f, 'webkitRelativePath', { value: `my-model/${n}` });
      return f;
    });
    const folder = fileListFolder(dropped);
    expect(folder.name).toBe('my-model');
    const fromFiles = await loadModel(folder);
    for (const [n, t] of fromDisk.weights) {
      expect(fromUrl.weights.get(n)!.data).toEqual(t.data);
      expect(fromFiles.weights.get(n)!.data).toEqual(t.data);
    }
  });

  it('blobFile and memoryFolder serve the same bytes', async () => {
    const b = blobFile(new Blob([BYTES]), 'blob.bin');
    expect(await readAllBytes(b)).toEqual(BYTES);
    expect(await collect(b)).toEqual(BYTES);
    await checkFolder(memoryFolder('m', new Map([['sub/data.bin', BYTES]])));
  });
});
