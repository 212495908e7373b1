/**
 * The lab's application layer in Node, as the worker drives it: the demo model and streams served
 * from public/ through a fetch that honours Range (as a static host does), the CPU backend, runs
 * kept in memory stores that outlive a Lab (a page reload is a new Lab over the same storage).
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../run/checkpoint-store';
import { DEMO_DATA, DEMO_MODULES, DEMO_RUN } from './demo-defaults';
import { Lab, type LabPlatform } from './lab';
import { siteFetch } from './site-fetch-fixture';
import type { Command, CommandBody, WorkerEvent } from '../../protocol/messages';
import type { RunConfig } from '../run/config';
import { memoryFile } from '../io/memory';
import { readSafetensorsHeader } from '../safetensors/header';
import { readTensorF32 } from '../safetensors/read';

const SITE = 'http://lab.test/';

function makeLab(stores = new Map<string, MemoryStore>(), claimRun?: LabPlatform['claimRun']) {
  const events: WorkerEvent[] = [];
  const statsStore = new MemoryStore();
  const platform: LabPlatform = {
    siteUrl: SITE,
    gpu: async () => null,
    runStore: (id) => {
      if (!stores.has(id)) stores.set(id, new MemoryStore());
      return stores.get(id)!;
    },
    editorShaders: null,
    fetch: siteFetch,
    claimRun,
    statsStore: () => statsStore,
  };
  const lab = new Lab((e) => events.push(e), platform);
  let id = 0;
  const send = async (cmd: CommandBody) => {
    const full = { ...cmd, id: ++id } as Command;
    const handler: Record<string, (c: never) => Promise<void>> = {
      'model/load': (c) => lab.loadModel(c),
      'data/scan': (c) => lab.scan(c),
      'run/start': (c) => lab.startRun(c),
      'run/reopen': (c) => lab.reopenRun(c),
      'edit/apply': (c) => lab.applyEdit(c),
      'export/weights': (c) => lab.exportWeights(c),
      'export/per-edit': (c) => lab.perEdit(c),
    };
    await handler[full.type](full as never);
    return full.id;
  };
  return { lab, events, send, stores };
}

async function withDemo(stores?: Map<string, MemoryStore>, claimRun?: LabPlatform['claimRun']) {
  const h = makeLab(stores, claimRun);
  await h.send({ type: 'model/load', source: { kind: 'demo' }, backend: 'auto' });
  await h.send({ type: 'data/scan', slot: 'edits', input: { kind: 'url', url: DEMO_DATA.edits, name: 'edits.eval.json' }, options: {} });
  await h.send({ type: 'data/scan', slot: 'warmup', input: { kind: 'url', url: DEMO_DATA.warmup, name: 'edits.train.json' }, options: {} });
  return h;
}

async function until<T>(f: () => T | undefined, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const SHORT: RunConfig = {
  ...DEMO_RUN,
  nEdits: 10,
  subBatch: 5,
  turns: 2,
  warmupTurns: 0,
  sampleEvery: 0,
  checkpointEvery: 1,
};

describe('the lab application layer', () => {
  it('loads the demo on the CPU when there is no GPU, and says why', async () => {
    const { events } = await withDemo();
    const loaded = events.find((e) => e.type === 'model/loaded');
    expect(loaded?.type === 'model/loaded' && loaded.model.backend).toBe('wasm');
    expect(loaded?.type === 'model/loaded' && loaded.model.backendNote).toMatch(/no WebGPU device/);
    const reports = events.filter((e) => e.type === 'data/report');
    expect(reports.map((r) => r.type === 'data/report' && r.report.count)).toEqual([1000, 500]);
  }, 60_000);

  it('a start that cannot run is refused before anything is written or announced', async () => {
    const h = await withDemo();
    const before = h.events.length;
    const cases: [Partial<RunConfig>, RegExp][] = [
      [{ turns: 200 }, /200 turns of 10 edits need 2000 records; the edit stream has 1000/],
      [{ warmupTurns: 60 }, /60 warm-up turns of 10 edits need 600 records; the warm-up source has 500/],
      [{ modules: ['model.layers.9.mlp.down_proj'] }, /has no module model\.layers\.9\.mlp\.down_proj/],
      [{ lr: -1 }, /lr must be a positive number/],
    ];
    for (const [patch, message] of cases) {
      const runId = `bad-${Object.keys(patch)[0]}`;
      await expect(h.send({ type: 'run/start', runId, config: { ...SHORT, ...patch } })).rejects.toThrow(message);
      expect(h.stores.get(runId) === undefined || (await h.stores.get(runId)!.read('inputs.json')) === null).toBe(true);
    }
    expect(h.events.slice(before)).toEqual([]);
  }, 60_000);

  it('MEMIT from the page: key statistics over the demo corpus, the editor math on the CPU, update norms in the turns', async () => {
    const h = await withDemo();
    const config: RunConfig = {
      ...SHORT,
      editor: 'memit',
      modules: ['model.layers.1.mlp.down_proj', 'model.layers.2.mlp.down_proj'],
      nEdits: 4,
      subBatch: 2,
      turns: 2,
      finalEval: false,
      locate: { mom2Samples: 64, steps: 2 },
    };
    await h.send({ type: 'run/start', runId: 'mem', config });
    await until(() => h.events.find((e) => e.type === 'run/state' && e.runId === 'mem' && e.state === 'finished'));
    const turns = h.events.flatMap((e) => (e.type === 'run/event' && e.runId === 'mem' && e.event.type === 'turn' ? [e.event.record] : []));
    expect(turns).toHaveLength(2);
    for (const t of turns) for (const m of t.diagnostics.modules) expect(m.deltaNorm).toBeGreaterThan(0);
    const progress = (runId: string) =>
      h.events.flatMap((e) => (e.type === 'run/event' && e.runId === runId && e.event.type === 'progress' ? [e.event] : []));
    expect(progress('mem').at(-1)).toMatchObject({ what: 'key statistics', done: 64, total: 64 });
    // A second run of the same model and corpus reads C from the cache: no pass over the corpus.
    await h.send({ type: 'run/start', runId: 'mem2', config: { ...config, turns: 1 } });
    await until(() => h.events.find((e) => e.type === 'run/state' && e.runId === 'mem2' && e.state === 'finished'));
    expect(progress('mem2')).toEqual([]);
  }, 120_000);

  it('a finished run exports its edited weights and per-edit results after a reload', async () => {
    const h = await withDemo();
    await h.send({ type: 'run/start', runId: 'r1', config: SHORT });
    await until(() => h.events.find((e) => e.type === 'run/state' && e.runId === 'r1' && e.state === 'finished'));
    // the page's export right after 'finished', in this session
    const ready = async (events: WorkerEvent[], replyTo: number) => {
      const e = await until(() => events.find((x) => (x.type === 'export/ready' || x.type === 'export/per-edit') && x.replyTo === replyTo));
      return e;
    };
    const nowId = await h.send({ type: 'export/weights' });
    const now = await ready(h.events, nowId);
    const perNowId = await h.send({ type: 'export/per-edit', runId: 'r1' });
    const perNow = await ready(h.events, perNowId);

    // a reload: a new lab over the same storage, the demo loaded again, nothing run in this session
    const r = await withDemo(h.stores);
    const runId = await r.send({ type: 'export/weights', runId: 'r1' });
    const again = await ready(r.events, runId);
    const perId = await r.send({ type: 'export/per-edit', runId: 'r1' });
    const perAgain = await ready(r.events, perId);
    if (now.type !== 'export/ready' || again.type !== 'export/ready') throw new Error('no weights');
    const a = await tensors(now.bytes);
    const b = await tensors(again.bytes);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, t] of a) expect(equalBytes(b.get(name)!, t), name).toBe(true);
    // and it differs from the model as loaded exactly in the edited modules
    const pristineId = await r.send({ type: 'export/weights' });
    const pristine = await ready(r.events, pristineId);
    if (pristine.type !== 'export/ready') throw new Error('no weights');
    const p = await tensors(pristine.bytes);
    const changed = [...a.keys()].filter((n) => !equalBytes(p.get(n)!, a.get(n)!));
    expect(changed.sort()).toEqual(DEMO_MODULES.map((m) => `${m}.weight`).sort());
    if (perNow.type !== 'export/per-edit' || perAgain.type !== 'export/per-edit') throw new Error('no per-edit');
    expect(perAgain.results).toEqual(perNow.results);
    expect(perAgain.results.length).toBe(20);
  }, 180_000);

  it('reads a file with its own field names through a mapping, and a run keeps the mapping to resume with', async () => {
    const h = await withDemo();
    const rows = Array.from({ length: 20 }, (_, i) => ({ q: `What is the occupation of Person${i}?`, a: 'astronomer', other: i }));
    const file = new File([JSON.stringify(rows)], 'mine.json');
    await expect(h.send({ type: 'data/scan', slot: 'edits', input: { kind: 'file', file }, options: {} })).resolves.toBeDefined();
    const detected = h.events.findLast((e) => e.type === 'data/report');
    expect(detected?.type === 'data/report' && detected.report.stopped?.problem).toMatch(/cannot tell the dataset layout/);
    await h.send({ type: 'data/scan', slot: 'edits', input: { kind: 'file', file }, options: { mapping: { prompt: 'q', answer: 'a' } } });
    const mapped = h.events.findLast((e) => e.type === 'data/report');
    if (mapped?.type !== 'data/report') throw new Error('no report');
    expect(mapped.report.count).toBe(20);
    expect(mapped.report.preview[3]).toMatchObject({ prompt: 'What is the occupation of Person3?', answer: 'astronomer' });
    await h.send({ type: 'run/start', runId: 'm', config: { ...SHORT, turns: 1, finalEval: false, immediateEval: false } });
    const inputs = JSON.parse(new TextDecoder().decode((await h.stores.get('m')!.read('inputs.json'))!));
    expect(inputs.data.edits.mapping).toEqual({ prompt: 'q', answer: 'a' });
    await until(() => h.events.find((e) => e.type === 'run/state' && e.runId === 'm' && e.state === 'finished'));
  }, 60_000);

  it('a run another tab holds is refused, and a run holds its claim until it ends', async () => {
    const held = new Set<string>(['elsewhere']);
    const claim = async (id: string) => (held.has(id) ? null : (held.add(id), () => void held.delete(id)));
    const h = await withDemo(undefined, claim);
    await expect(h.send({ type: 'run/start', runId: 'elsewhere', config: SHORT })).rejects.toThrow(/going in another tab/);
    expect(h.stores.get('elsewhere') === undefined || (await h.stores.get('elsewhere')!.read('inputs.json')) === null).toBe(true);
    await h.send({ type: 'run/start', runId: 'here', config: { ...SHORT, turns: 1 } });
    expect(held.has('here')).toBe(true);
    await until(() => h.events.find((e) => e.type === 'run/state' && e.runId === 'here' && e.state === 'finished'));
    expect(held.has('here')).toBe(false);
  }, 60_000);

  it('a stopped run resumes from its checkpoint, and a damaged checkpoint is refused, not resumed', async () => {
    const h = await withDemo();
    await h.send({ type: 'run/start', runId: 'c', config: { ...SHORT, turns: 3, checkpointEvery: 1 } });
    await until(() => h.events.find((e) => e.type === 'run/event' && e.runId === 'c' && e.event.type === 'checkpoint'));
    h.lab.controller('c').stop();
    await until(() => h.events.find((e) => e.type === 'run/state' && e.runId === 'c' && e.state === 'stopped'));
    const store = h.stores.get('c')!;
    const good = (await store.read('checkpoint.bin'))!;
    const bad = good.slice();
    bad[bad.length >> 1] ^= 0x10;
    await store.write('checkpoint.bin', bad);
    await expect(h.send({ type: 'run/reopen', runId: 'c' })).rejects.toThrow(/run c: checkpoint\.bin.*damaged/);
    await store.write('checkpoint.bin', good);
    await h.send({ type: 'run/reopen', runId: 'c' });
    await until(() => h.events.find((e) => e.type === 'run/state' && e.runId === 'c' && e.state === 'finished'));
  }, 90_000);

  it('exporting a run that never finished says why', async () => {
    const h = await withDemo();
    await expect(h.send({ type: 'export/weights', runId: 'never' })).rejects.toThrow(/run never has no saved results/);
  }, 60_000);

  it('an interactive edit reports what it did to the record’s locality prompt and to similar prompts', async () => {
    const h = await withDemo();
    const scan = h.events.find((e) => e.type === 'data/report' && e.slot === 'edits');
    const rec = scan?.type === 'data/report' ? scan.report.preview[0] : undefined;
    if (!rec) throw new Error('no preview');
    await h.send({
      type: 'edit/apply',
      prompt: rec.prompt,
      answer: rec.answer,
      k: 3,
      maxNewTokens: 3,
      settings: { editor: 'stableedit', lr: 1e-2, ridge: 10, modules: DEMO_MODULES, statisticsRecords: 32 },
    });
    const res = h.events.find((e) => e.type === 'probe/result');
    if (res?.type !== 'probe/result') throw new Error('no result');
    const fx = res.sideEffects ?? [];
    expect(fx.length).toBeGreaterThanOrEqual(5);
    expect(fx[0]).toMatchObject({ why: 'locality', prompt: rec.locPrompt });
    expect(fx.slice(1).every((f) => f.why === 'neighbour' && f.prompt !== rec.prompt)).toBe(true);
    for (const f of fx) expect(f.changed).toBe(f.before !== f.after);
    expect(res.note).toMatch(/\d+ of \d+ other prompts changed their answer/);
  }, 60_000);
});

async function tensors(bytes: Uint8Array): Promise<Map<string, Float32Array>> {
  const file = memoryFile('export.safetensors', bytes);
  const header = await readSafetensorsHeader(file);
  const out = new Map<string, Float32Array>();
  for (const info of header.tensors.values()) out.set(info.name, await readTensorF32(file, info));
  return out;
}

function equalBytes(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
