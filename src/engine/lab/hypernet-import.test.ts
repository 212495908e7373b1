/**
 * A trained network given to the page (hypernet-import.ts): the page's model fingerprint equals the
 * CLI's (so train-editor's files are accepted), a network for another model, a damaged file or a
 * lone file is refused naming the file and what is wrong, and a run of its editor goes through the
 * lab's run loop with it. The demo served from public/ as in lab.test.ts, the CPU backend.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_FILE } from '../model/fingerprint';
import { encodeNetwork, type NetworkDescription } from '../editors/hypernet/network-file';
import { createNetwork } from '../editors/hypernet/rledit-network';
import { rleditSettings } from '../editors/hypernet/rledit-settings';
import { MemoryStore } from '../run/checkpoint-store';
import { sha256Hex } from '../run/checkpoint-seal';
import type { RunConfig } from '../run/config';
import type { Command, CommandBody, WorkerEvent } from '../../protocol/messages';
import { DEMO_DATA, DEMO_MODULES, DEMO_RUN } from './demo-defaults';
import { Lab } from './lab';
import { PUBLIC, siteFetch } from './site-fetch-fixture';

async function demoLab(stores = new Map<string, MemoryStore>()) {
  const events: WorkerEvent[] = [];
  const lab = new Lab((e) => events.push(e), {
    siteUrl: 'http://lab.test/',
    gpu: async () => null,
    runStore: (id) => stores.get(id) ?? stores.set(id, new MemoryStore()).get(id)!,
    editorShaders: null,
    fetch: siteFetch,
  });
  let id = 0;
  const send = async (body: CommandBody) => {
    const cmd = { ...body, id: ++id } as Command;
    if (cmd.type === 'model/load') await lab.loadModel(cmd);
    else if (cmd.type === 'data/scan') await lab.scan(cmd);
    else if (cmd.type === 'hypernet/import') await lab.importHypernet(cmd);
    else if (cmd.type === 'run/start') await lab.startRun(cmd);
    else if (cmd.type === 'run/reopen') await lab.reopenRun(cmd);
    else throw new Error(`not sent here: ${cmd.type}`);
  };
  await send({ type: 'model/load', source: { kind: 'demo' }, backend: 'wasm' });
  await send({ type: 'data/scan', slot: 'edits', input: { kind: 'url', url: DEMO_DATA.edits, name: 'edits.eval.json' }, options: {} });
  return { lab, events, send, stores };
}

/** The CLI's folderSha256 written out with node:crypto over the folder on disk (cli/fingerprint.ts; the engine imports nothing of the CLI). */
function diskFingerprint(dir: string): string {
  const h = createHash('sha256');
  for (const n of readdirSync(dir)
    .filter((n) => MODEL_FILE.test(n))
    .sort())
    h.update(
      `${n}\0${createHash('sha256')
        .update(readFileSync(join(dir, n)))
        .digest('hex')}\n`,
    );
  return h.digest('hex');
}

/** An untrained rank-4 RLEdit network for the demo's modules, described as train-editor describes one. */
async function networkFiles(patch: (d: NetworkDescription) => void = () => {}): Promise<File[]> {
  const config = JSON.parse(readFileSync(join(PUBLIC, 'demo/model/config.json'), 'utf8'));
  const dims = { dIn: config.intermediate_size, dOut: config.hidden_size };
  const settings = rleditSettings({ editor: 'rledit', rank: 4 });
  const net = createNetwork(
    DEMO_MODULES.map((name) => ({ name, ...dims })),
    settings,
  );
  const bytes = encodeNetwork(net);
  const desc: NetworkDescription = {
    format: 'stableedit-lab hypernetwork',
    version: 1,
    editor: 'rledit',
    model: {
      fingerprint: diskFingerprint(join(PUBLIC, 'demo/model')),
      arch: 'llama',
      layers: config.num_hidden_layers,
      hidden: config.hidden_size,
      vocab: config.vocab_size,
    },
    modules: net.modules,
    settings,
    training: { steps: 0 },
    sha256: await sha256Hex(bytes),
  };
  patch(desc);
  return [new File([JSON.stringify(desc)], 'hypernet.json'), new File([bytes as Uint8Array<ArrayBuffer>], 'network.safetensors')];
}

async function until(ok: () => boolean, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > end) throw new Error('timed out');
}

const RUN: RunConfig = {
  ...DEMO_RUN,
  editor: 'rledit',
  nEdits: 4,
  subBatch: 4,
  turns: 2,
  warmupTurns: 0,
  sampleEvery: 0,
  finalEval: false,
  checkpointEvery: 1,
};

describe('a trained network in the page', () => {
  it('is accepted for the model the CLI fingerprinted, and an RLEdit run edits with it through the run loop', async () => {
    const h = await demoLab();
    await expect(h.send({ type: 'run/start', runId: 'none', config: RUN })).rejects.toThrow(
      /editor rledit edits with a trained network: import its hypernet\.json and network\.safetensors/,
    );
    await h.send({ type: 'hypernet/import', files: await networkFiles() });
    const ready = h.events.find((e) => e.type === 'hypernet/ready');
    expect(ready?.type === 'hypernet/ready' && ready.network).toMatchObject({
      editor: 'rledit',
      modules: [...DEMO_MODULES],
      source: 'imported',
    });
    await expect(h.send({ type: 'run/start', runId: 'mend', config: { ...RUN, editor: 'mend' } })).rejects.toThrow(
      /what differs: editor: a rledit network, this run is --editor mend/,
    );
    await h.send({ type: 'run/start', runId: 'rl', config: RUN });
    for (const end = Date.now() + 60_000; ;) {
      const last = h.events.filter((e) => e.type === 'run/state' && e.runId === 'rl').at(-1);
      if (last?.type === 'run/state' && (last.state === 'finished' || last.state === 'failed')) {
        expect(last.state).toBe('finished');
        break;
      }
      if (Date.now() > end) throw new Error('the run did not end');
      await new Promise((r) => setTimeout(r, 20));
    }
    const turns = h.events.filter((e) => e.type === 'run/event' && e.runId === 'rl' && e.event.type === 'turn');
    expect(turns).toHaveLength(2);
    // The copy of the network the run kept for a resume after a reload goes with its other inputs once it finishes.
    expect((await h.stores.get('rl')!.read('network.safetensors')) === null).toBe(true); // removed once finished
  }, 120_000);

  it('refuses another model’s network, a damaged file and a lone file, naming the file and what is wrong', async () => {
    const h = await demoLab();
    const foreign = await networkFiles((d) => (d.model.fingerprint = 'f'.repeat(64)));
    await expect(h.send({ type: 'hypernet/import', files: foreign })).rejects.toThrow(
      /hypernet\.json \+ network\.safetensors: was trained for another model or modules; what differs: model files: SHA-256 ffffffffffff… in the network/,
    );
    const [json, weights] = await networkFiles();
    const truncated = new File([(await weights.arrayBuffer()).slice(0, 1000)], 'network.safetensors');
    await expect(h.send({ type: 'hypernet/import', files: [json, truncated] })).rejects.toThrow(
      /^network\.safetensors: has SHA-256 [0-9a-f]{12}…, but hypernet\.json records [0-9a-f]{12}…: altered or from another training/,
    );
    await expect(h.send({ type: 'hypernet/import', files: [json] })).rejects.toThrow(
      /network files: give the two files train-editor writes, hypernet\.json and network\.safetensors, together \(got hypernet\.json\)/,
    );
    const notJson = new File(['{"model":'], 'hypernet.json');
    await expect(h.send({ type: 'hypernet/import', files: [notJson, weights] })).rejects.toThrow(/^hypernet\.json: is not valid JSON/);
    expect(h.events.some((e) => e.type === 'hypernet/ready')).toBe(false);
  }, 60_000);

  it('a run stopped after a checkpoint reopens in a fresh page with the copy of its network it kept, a damaged copy refused', async () => {
    const h = await demoLab();
    await h.send({ type: 'hypernet/import', files: await networkFiles() });
    await h.send({ type: 'run/start', runId: 'r', config: { ...RUN, turns: 3 } });
    await until(() => h.events.some((e) => e.type === 'run/event' && e.runId === 'r' && e.event.type === 'checkpoint'));
    h.lab.controller('r').stop();
    await until(() => h.events.some((e) => e.type === 'run/state' && e.runId === 'r' && e.state === 'stopped'));
    // A reload: a new lab over the same storage, with no network imported.
    const again = await demoLab(h.stores);
    const store = h.stores.get('r')!;
    const good = (await store.read('network.safetensors'))!;
    const bad = good.slice();
    bad[bad.length >> 1] ^= 0x10;
    await store.write('network.safetensors', bad);
    await expect(again.send({ type: 'run/reopen', runId: 'r' })).rejects.toThrow(
      /network\.safetensors \(the copy run r saved of its network\): is not the \d+ bytes the run read: the stored copy is damaged/,
    );
    await store.write('network.safetensors', good);
    await again.send({ type: 'run/reopen', runId: 'r' });
    await until(() =>
      again.events.some((e) => e.type === 'run/state' && e.runId === 'r' && (e.state === 'finished' || e.state === 'failed')),
    );
    expect(again.events.filter((e) => e.type === 'run/state' && e.runId === 'r').at(-1)).toMatchObject({ state: 'finished', step: 3 });
  }, 120_000);
});
