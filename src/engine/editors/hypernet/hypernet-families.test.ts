/**
 * RLEdit and MEND on every newer family (tiny seeded checkpoints, two blocks, both edited): the
 * network is built for the family's edited module and its shape (GPT-J's fc_out reads the
 * n_inner-wide fc_in output; the others' down_proj the intermediate width), a one-turn
 * meta-training epoch runs on the model's own meta graphs (held to finite differences per family
 * in graph/models/meta.test.ts) and moves the network, and an edit with the trained network changes
 * the two edited modules and nothing else. `npm test` runs one editor per family (RLEdit on GPT-J,
 * Gemma 2 and Phi-3, MEND on Qwen3 and Gemma 3: both share the network and the module lookup, MEND
 * captures every token); ALL_EDITOR_FAMILIES=1 runs both on every family (~80 s on 2 loaded cores).
 */
import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint } from '../../model/generate-tiny';
import { loadModel } from '../../model/load';
import { editableModuleName } from '../../model/modules';
import { createCpuRuntime } from '../../runtime/cpu-runtime';
import { buildSubBatches, editPairs } from '../../run/batching';
import type { EditRecord } from '../../types';
import { paramArrays } from './rledit-net';
import { RLEditEditor } from './rledit-editor';
import { rleditSettings } from './rledit-settings';
import { RLEditTrainer } from './rledit-train';

const NAMES = ['France', 'Germany', 'Italy', 'London', 'Paris', 'Berlin', 'Rome', 'York'];
const WORDS = ['minister', 'goalkeeper', 'brothers', 'English', 'Danish', 'French', 'Thames', 'opera'];

const records = (n: number): EditRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    index: i,
    prompt: `The capital of ${NAMES[i % 8]} is the`,
    answer: WORDS[(i * 3 + 1) % 8],
    rephrase: `What is the capital of ${NAMES[i % 8]}?`,
    locPrompt: `The river of ${NAMES[(i + 1) % 8]} is the`,
    locAnswer: WORDS[(i + 5) % 8],
  }));

const PAIRS = [
  ['rledit', 'gptj'],
  ['mend', 'qwen3'],
  ['rledit', 'gemma2'],
  ['mend', 'gemma3_text'],
  ['rledit', 'phi3'],
] as const;
const ALL = PAIRS.flatMap(([e, a]) => [[e, a] as const, [e === 'rledit' ? 'mend' : 'rledit', a] as const]);

describe('hypernetwork editors on the newer families', () => {
  it.each(process.env.ALL_EDITOR_FAMILIES ? ALL : PAIRS)(
    '%s on a tiny %s: trains on the family’s edited modules and edits only them',
    async (editor, arch) => {
      const m = await loadModel(
        memoryFolder(`tiny-${arch}`, tinyCheckpoint({ arch, seed: 6, hidden: 16, layers: 2, heads: 2, intermediate: 24 })),
      );
      const modules = [0, 1].map((l) => editableModuleName(m.spec, l));
      const settings = rleditSettings({ editor, rank: 4, nBlocks: 2, lr: 2e-3, metaLr: 1e-2, maxGradNorm: 0.05, seed: 3 });
      const rt = await createCpuRuntime(m);
      const trainer = new RLEditTrainer(settings, {
        runtime: rt,
        tokenizer: m.tokenizer,
        records: records(2),
        modules,
        nEdits: 2,
        subBatch: 2,
      });
      const mod = rt.modules.find((x) => x.name === modules[0])!;
      expect([mod.dIn, mod.dOut]).toEqual([m.spec.intermediate, m.spec.hidden]);
      expect(Object.keys(trainer.net.shapes)).toEqual([`${mod.dIn}x${mod.dOut}`]);
      const flat = () => paramArrays(Object.values(trainer.net.shapes)[0].params).flatMap(([, a]) => Array.from(a));
      const before = flat();
      while (!trainer.done) await trainer.step();
      expect(trainer.logs.every((l) => Number.isFinite(l.genLoss) && Number.isFinite(l.locLoss))).toBe(true);
      expect(flat().some((x, i) => x !== before[i])).toBe(true);

      const w0 = new Map([...(await rt.weights())].map(([n, t]) => [n, Float32Array.from(t.data)]));
      const caps = [];
      for (const sb of buildSubBatches(m.tokenizer, editPairs(records(2)), { subBatch: 2 }))
        caps.push((await rt.capture(sb, modules)).modules);
      const turn = new RLEditEditor(trainer.net).turn({ subBatches: caps });
      for (const name of modules) {
        const d = turn.deltas.get(name)!.delta;
        expect(d.every(Number.isFinite) && d.some((x) => x !== 0), name).toBe(true);
        await rt.applyDelta(name, d);
      }
      for (const [n, t] of await rt.weights())
        expect(Buffer.from(t.data.buffer).equals(Buffer.from(w0.get(n)!.buffer)), n).toBe(!modules.includes(n.replace(/\.weight$/, '')));
      await rt.dispose();
    },
  );
});
