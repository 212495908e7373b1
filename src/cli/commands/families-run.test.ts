/**
 * Every family added after the first four (GPT-J, Qwen3, Gemma 2, Gemma 3, Phi-3) end to end through
 * the CLI: a tiny generated checkpoint written as a Hugging Face folder (config.json, safetensors,
 * tokenizer files) runs 2 StableEdit turns of `run`, and the run is replayed beside it on the float64
 * reference — the same records, tokenized and batched as the run does (run/batching.ts), keys from
 * the reference forward, value gradients by finite differences of its loss, the editor called
 * directly on them, each ΔW applied before the next turn. The run's per-turn loss must match the
 * reference's (turn 1's is read through the weights turn 0 edited), the edited checkpoint must hold
 * W0 + ΔW0ᵀ + ΔW1ᵀ in the edited modules and the input's bytes everywhere else.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../engine/data/dataset';
import { createEditor } from '../../engine/editors/registry';
import { maxRelativeError } from '../../engine/gpu/compare';
import { nodeFile, nodeFolder } from '../../engine/io/node-files';
import { loadModel } from '../../engine/model/load';
import type { Weights } from '../../engine/model/spec';
import { writeTinyCheckpoint } from '../../engine/model/write-tiny';
import { labelRows, moduleOutputGradFD, referenceLoss } from '../../engine/reference/fd';
import { referenceForward } from '../../engine/reference/forward';
import { buildSubBatches, editPairs } from '../../engine/run/batching';
import { readSafetensorsHeader } from '../../engine/safetensors/header';
import { readTensorF32 } from '../../engine/safetensors/read';
import { openCheckpointTensors } from '../../engine/safetensors/checkpoint';
import type { ModuleCapture } from '../../engine/types';
import { quiet, zsreRecords } from '../faults/harness';
import { run } from './run';

const FAMILIES = ['gptj', 'qwen3', 'gemma2', 'gemma3_text', 'phi3'] as const;
const N_EDITS = 4;
const SUB_BATCH = 2;
const LR = 1e-2;
const RIDGE = 1;

describe('run CLI on every new family, held to the float64 reference', () => {
  for (const arch of FAMILIES) {
    it(`${arch}: 2 StableEdit turns; per-turn loss and the edited weights = the float64 replay`, async () => {
      const dir = await mkdtemp(join(tmpdir(), `se-family-${arch}-`));
      const modelDir = await writeTinyCheckpoint(join(dir, 'model'), { arch, seed: 23, hidden: 8, heads: 2 });
      const data = join(dir, 'data.json');
      await writeFile(data, JSON.stringify(zsreRecords(2 * N_EDITS)));
      const m = await loadModel(nodeFolder(modelDir));
      // Both blocks' MLP outputs: the lower one's gradient runs back through the whole upper block.
      const modules = m.modules.map((x) => x.name);
      expect(modules).toHaveLength(2);

      const out = join(dir, 'out');
      const argv = ['--model', modelDir, '--data', data, '--editor', 'stableedit', '--modules', modules.join(',')];
      argv.push('--n-edits', String(N_EDITS), '--sub-batch', String(SUB_BATCH), '--turns', '2', '--lr', String(LR));
      argv.push('--ridge', String(RIDGE), '--sample-every', '0', '--no-final', '--out', out);
      const { value } = await quiet(() => run(argv));
      expect(value).toBe(0);
      const turns = (await readFile(join(out, 'metrics.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { loss: number });
      expect(turns).toHaveLength(2);

      // The replay: float64 forward and finite differences, the editor on their float32 captures.
      const records = (await loadDataset(nodeFile(data))).records;
      const editor = createEditor('stableedit', { lr: LR, ridge: RIDGE });
      const weights: Weights = new Map(m.weights);
      const total = new Map(modules.map((name) => [name, new Float64Array(m.weights.get(`${name}.weight`)!.data.length)]));
      for (let t = 0; t < 2; t++) {
        const subBatches = buildSubBatches(m.tokenizer, editPairs(records.slice(t * N_EDITS, (t + 1) * N_EDITS)), {
          subBatch: SUB_BATCH,
        });
        const losses: number[] = [];
        const captures: ModuleCapture[][] = subBatches.map((sb) => {
          const input = { batch: sb.batch, seqLen: sb.seqLen, inputIds: sb.inputIds, attentionMask: sb.attentionMask, labels: sb.labels };
          losses.push(referenceLoss(m.spec, weights, input));
          const ref = referenceForward(m.spec, weights, input, { capture: modules });
          const rows = labelRows(sb.labels);
          return m.modules.map(({ name, dIn, dOut }) => {
            const K = ref.moduleInputs.get(name)!;
            return {
              module: name,
              rows: rows.length,
              dIn,
              dOut,
              keys: Float32Array.from(rows.flatMap((r) => Array.from(K.subarray(r * dIn, (r + 1) * dIn)))),
              grads: Float32Array.from(moduleOutputGradFD(m.spec, weights, input, name)),
            };
          });
        });
        const refLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
        expect(Math.abs(turns[t].loss - refLoss) / refLoss, `turn ${t} loss`).toBeLessThanOrEqual(1e-4);
        const { deltas } = editor.turn({ subBatches: captures });
        for (const { name, dIn, dOut } of m.modules) {
          // Linear weight [dOut, dIn] += ΔWᵀ (editors/editor.ts ModuleDelta).
          const d = deltas.get(name)!.delta;
          const w = weights.get(`${name}.weight`)!;
          const next = Float32Array.from(w.data);
          const sum = total.get(name)!;
          for (let i = 0; i < dIn; i++)
            for (let o = 0; o < dOut; o++) {
              next[o * dIn + i] += d[i * dOut + o];
              sum[o * dIn + i] += d[i * dOut + o];
            }
          weights.set(`${name}.weight`, { shape: w.shape, data: next });
        }
      }

      const editedFile = nodeFile(join(out, 'edited.safetensors'));
      const edited = await readSafetensorsHeader(editedFile);
      const original = await openCheckpointTensors(nodeFolder(modelDir));
      expect([...edited.tensors.keys()].sort()).toEqual([...original.tensors.keys()].sort());
      for (const [name, t] of original.tensors) {
        const before = await readTensorF32(t.file, t.info);
        const after = await readTensorF32(editedFile, edited.tensors.get(name)!);
        const module = modules.find((x) => `${x}.weight` === name);
        if (!module) {
          expect(after, name).toEqual(before);
          continue;
        }
        // The run's ΔW0 + ΔW1 against the replay's, relative to the update (measured: ≤ 1.5e-6 on every family).
        const runDelta = after.map((x, i) => x - before[i]);
        const err = maxRelativeError(runDelta, total.get(module)!);
        expect(err, `${name}: ΔW vs the float64 replay`).toBeLessThanOrEqual(1e-4);
        expect(Math.max(...total.get(module)!.map(Math.abs)), `${name}: the edit is not zero`).toBeGreaterThan(1e-3);
      }
    }, 60_000);
  }
});
