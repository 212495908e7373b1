/**
 * Loading a model from the Hub through the path the page uses (Lab.loadModel → hubFolder, the Hub
 * client's resolution → cachedFetch → the model cache), against a local server in the Hub's layout:
 * progress per file, the second load read from the cache (the server asked only about the file it lacked), and the
 * Hub's refusals (gated without a token, a token without access, unknown repo, revision, file) in words.
 */
import type { ModelRuntime } from '../runtime/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, type LabPlatform } from './lab';
import { hintFor } from './hints';
import { MemoryStore } from '../run/checkpoint-store';
import { cachedFetch, type DownloadProgress, type ResponseCache } from '../io/cached-fetch';
import { hubFolder } from '../io/hub-folder';
import { startLocalHub, type LocalHub } from '../io/local-hub';
import { tinyCheckpoint } from '../model/generate-tiny';
import { memoryFolder } from '../io/memory';
import { loadModel } from '../model/load';
import type { Command, CommandBody, WorkerEvent } from '../../protocol/messages';

/** The Cache API's semantics for what cachedFetch does with it: string keys, whole responses kept. */
function memoryCache(): ResponseCache & { size(): number } {
  const kept = new Map<string, { body: ArrayBuffer; status: number; headers: [string, string][] }>();
  return {
    async match(key) {
      const k = kept.get(key);
      return k && new Response(k.body.slice(0), { status: k.status, headers: k.headers });
    },
    async put(key, res) {
      kept.set(key, { body: await res.arrayBuffer(), status: res.status, headers: [...res.headers] });
    },
    size: () => kept.size,
  };
}

const TOKEN = 'hf_gatedreadertoken';
const checkpoint = tinyCheckpoint({ arch: 'llama', seed: 15, hidden: 32, layers: 2, heads: 4, intermediate: 48, merges: 60 });
const withoutTokenizer = new Map(checkpoint);
withoutTokenizer.delete('tokenizer.json');
let hub: LocalHub;

beforeAll(async () => {
  hub = await startLocalHub({
    'lab-test/tiny-llama': { files: checkpoint, revisions: ['main', 'v1.0'] },
    'lab-test/gated-llama': { files: checkpoint, gatedToken: TOKEN },
    'lab-test/no-tokenizer': { files: withoutTokenizer },
  });
});
afterAll(() => hub.close());

function makeLab(cache: ResponseCache) {
  const events: WorkerEvent[] = [];
  const platform: LabPlatform = {
    siteUrl: 'http://lab.test/',
    gpu: async () => null,
    runStore: () => new MemoryStore(),
    editorShaders: null,
    hubUrl: hub.url,
    modelCache: async () => cache,
  };
  const lab = new Lab((e) => events.push(e), platform);
  let id = 0;
  const load = async (source: Extract<CommandBody, { type: 'model/load' }>['source']) => {
    const cmd = { type: 'model/load', source, backend: 'wasm', id: ++id } as Command & { type: 'model/load' };
    await lab.loadModel(cmd);
  };
  return { lab, events, load };
}

const progressOf = (events: WorkerEvent[]) => events.filter((e) => e.type === 'model/progress' && e.stage === 'download');

/** What a load that fails says, and the hint the page shows beside it. */
async function failure(source: Parameters<ReturnType<typeof makeLab>['load']>[0]): Promise<{ message: string; hint: string }> {
  const err = await makeLab(memoryCache())
    .load(source)
    .then(
      () => null,
      (e: Error) => e,
    );
  expect(err).toBeInstanceOf(Error);
  return { message: err!.message, hint: hintFor('model/load', err!) };
}

describe('Hub loading through the page path (local Hub-layout server)', () => {
  it('loads a repository at a revision, reports progress, and reads the second load from the cache alone', async () => {
    const cache = memoryCache();
    const first = makeLab(cache);
    await first.load({ kind: 'hub', repo: 'lab-test/tiny-llama', revision: 'v1.0' });
    const loaded = first.events.find((e) => e.type === 'model/loaded');
    expect(loaded?.type === 'model/loaded' && loaded.model.name).toBe('lab-test/tiny-llama');
    // Same weights as the files served: the model loaded from the local folder gives identical tensors.
    const reference = await loadModel(memoryFolder('ref', checkpoint));
    const labModel = (first.lab as unknown as { state: { model: { runtime: ModelRuntime } } }).state.model.runtime;
    const held = await labModel.weights();
    for (const [name, t] of reference.weights) expect(held.get(name)?.data, name).toEqual(t.data);
    // Every file went through the revision asked for; the weights by Range reads.
    const firstRequests = hub.log.splice(0);
    expect(firstRequests.length).toBeGreaterThan(0);
    expect(firstRequests.every((r) => r.path.startsWith('/lab-test/tiny-llama/resolve/v1.0/'))).toBe(true);
    // The one file asked for that a single-file checkpoint does not have: the shard index.
    expect(firstRequests.filter((r) => r.status >= 300).map((r) => `${r.status} ${r.path}`)).toEqual([
      '404 /lab-test/tiny-llama/resolve/v1.0/model.safetensors.index.json',
    ]);
    expect(firstRequests.filter((r) => r.path.endsWith('model.safetensors') && r.range && r.range !== 'bytes=0-0').length).toBeGreaterThan(
      0,
    );
    const p1 = progressOf(first.events);
    expect(p1.length).toBeGreaterThan(0);
    const last1 = p1.at(-1)!;
    expect(last1.type === 'model/progress' && last1.total).toBe((checkpoint.get('model.safetensors') as Uint8Array).length);
    expect(p1.some((e) => e.type === 'model/progress' && /from the browser cache/.test(e.detail))).toBe(false);

    const second = makeLab(cache);
    await second.load({ kind: 'hub', repo: 'lab-test/tiny-llama', revision: 'v1.0' });
    // Nothing but the question a refusal answered last time (refusals are never cached).
    expect(hub.log.splice(0).map((r) => `${r.status} ${r.path}`)).toEqual([
      '404 /lab-test/tiny-llama/resolve/v1.0/model.safetensors.index.json',
    ]);
    expect(second.events.some((e) => e.type === 'model/loaded')).toBe(true);
    expect(progressOf(second.events).some((e) => e.type === 'model/progress' && /from the browser cache/.test(e.detail))).toBe(true);

    // Another revision is another set of cache entries: it goes to the server.
    await makeLab(cache).load({ kind: 'hub', repo: 'lab-test/tiny-llama', revision: 'main' });
    expect(hub.log.splice(0).every((r) => r.path.includes('/resolve/main/'))).toBe(true);
  });

  it('reports each file with its bytes so far and its size', async () => {
    const seen: DownloadProgress[] = [];
    const folder = hubFolder({
      repo: 'lab-test/tiny-llama',
      hubUrl: hub.url,
      fetch: cachedFetch(Promise.resolve(null), (p) => seen.push(p)),
    });
    await loadModel(folder);
    hub.log.splice(0);
    const names = new Set(seen.map((p) => p.file.name));
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors']) expect(names, f).toContain(f);
    for (const name of ['config.json', 'model.safetensors']) {
      const size = (
        typeof checkpoint.get(name) === 'string'
          ? new TextEncoder().encode(checkpoint.get(name) as string)
          : (checkpoint.get(name) as Uint8Array)
      ).length;
      const last = seen.filter((p) => p.file.name === name).at(-1)!;
      expect(last.file.size, name).toBe(size);
      // The one-byte probe plus the file's bytes.
      expect(last.file.done, name).toBe(size + 1);
    }
    // Nothing is counted twice: the overall count is the sum of the files' counts.
    const perFile = new Map(seen.map((p) => [p.file.name, p.file.done]));
    expect(seen.at(-1)!.done).toBe([...perFile.values()].reduce((a, b) => a + b, 0));
  });

  it('a gated repository without a token: says so, and what to do', async () => {
    const { message, hint } = await failure({ kind: 'hub', repo: 'lab-test/gated-llama', revision: 'main' });
    expect(message).toBe(
      'lab-test/gated-llama@main/config.json: HTTP 401: access denied: lab-test/gated-llama is gated or private; accept its licence on huggingface.co and give an access token (read scope)',
    );
    expect(hint).toMatch(/access token/);
    hub.log.splice(0);
  });

  it('a gated repository with a token that has no access, and with the right one', async () => {
    const { message } = await failure({ kind: 'hub', repo: 'lab-test/gated-llama', revision: 'main', token: 'hf_someoneelse' });
    expect(message).toMatch(/^lab-test\/gated-llama@main\/config\.json: HTTP 403: access denied with the token given/);
    const ok = makeLab(memoryCache());
    await ok.load({ kind: 'hub', repo: 'lab-test/gated-llama', revision: 'main', token: TOKEN });
    expect(ok.events.some((e) => e.type === 'model/loaded')).toBe(true);
    hub.log.splice(0);
  });

  it('a token that is not a Hub token, an unknown repository, revision or file: each named in words', async () => {
    expect((await failure({ kind: 'hub', repo: 'lab-test/tiny-llama', revision: 'main', token: 'abc' })).message).toBe(
      'access token: a Hugging Face access token starts with "hf_" (Settings → Access Tokens on huggingface.co)',
    );
    expect((await failure({ kind: 'hub', repo: 'not a repo', revision: 'main' })).message).toMatch(
      /^repo id: "not a repo" is not of the form owner\/name/,
    );
    expect((await failure({ kind: 'hub', repo: 'lab-test/nothing-here', revision: 'main' })).message).toBe(
      'lab-test/nothing-here@main/config.json: HTTP 401: repository lab-test/nothing-here not found (check the repo id; a private repository needs an access token)',
    );
    expect((await failure({ kind: 'hub', repo: 'lab-test/tiny-llama', revision: 'v9' })).message).toBe(
      'lab-test/tiny-llama@v9/config.json: HTTP 404: lab-test/tiny-llama has no revision "v9" (a branch, tag or commit)',
    );
    const unknown = await failure({ kind: 'hub', repo: 'lab-test/nothing-here', revision: 'main' });
    expect(unknown.hint).toMatch(/^Check the repo id/);
    const missing = await failure({ kind: 'hub', repo: 'lab-test/no-tokenizer', revision: 'main' });
    expect(missing.message).toBe('lab-test/no-tokenizer/tokenizer.json: file not found');
    expect(missing.hint).toMatch(/config\.json, tokenizer\.json and \*\.safetensors/);
    hub.log.splice(0);
  });
});
