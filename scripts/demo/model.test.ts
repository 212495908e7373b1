/**
 * The SHIPPED demo model (public/demo/model) through the lab's own path — loadModel, the CPU
 * ModelRuntime, evaluate() (teacher-forced top-1 token accuracy, UltraEdit's protocol) — on
 * the shipped datasets:
 *  - known facts (src → ans) ≥ 90%; held-out paraphrases (rephrase → ans, a template never trained
 *    on) ≥ 3× chance, where chance = mean over records of 1/(answers of the record's relation);
 *  - pre-edit on the eval edit stream: efficacy and generalization low (the targets are
 *    counterfactuals the model must not already predict), specificity high (loc prompts are known
 *    facts).
 * Regenerate with `npx tsx scripts/demo/train.ts` if a change to the model code breaks these.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/engine/data/dataset';
import { evaluate } from '../../src/engine/eval/evaluate';
import { nodeFile, nodeFolder } from '../../src/engine/io/node-files';
import { loadModel, type LoadedModel } from '../../src/engine/model/load';
import type { GraphRuntime } from '../../src/engine/runtime/graph-runtime';
import { createCpuRuntime } from '../../src/engine/runtime/cpu-runtime';
import type { EditRecord } from '../../src/engine/types';

const MODEL = 'public/demo/model';
const DATA = 'public/demo/data';

function duBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => {
    const p = join(dir, f);
    const s = statSync(p);
    return sum + (s.isDirectory() ? duBytes(p) : s.size);
  }, 0);
}

describe('the shipped demo model', () => {
  let m: LoadedModel;
  let rt: GraphRuntime;
  let known: EditRecord[];
  let edits: EditRecord[];
  beforeAll(async () => {
    m = await loadModel(nodeFolder(MODEL));
    rt = await createCpuRuntime(m);
    known = (await loadDataset(nodeFile(join(DATA, 'known-facts.json')))).records;
    edits = (await loadDataset(nodeFile(join(DATA, 'edits.eval.json')))).records;
  });
  afterAll(() => rt?.dispose());

  it('is a Llama (RMSNorm, RoPE, SwiGLU, GQA) sized to its tokenizer, and public/demo fits in 10 MB', () => {
    const config = JSON.parse(readFileSync(join(MODEL, 'config.json'), 'utf8'));
    expect(config.model_type).toBe('llama');
    expect(m.spec.norm).toBe('rmsnorm');
    expect(m.spec.rope).not.toBeNull();
    expect(m.spec.act).toBe('silu');
    expect(m.spec.kvHeads).toBeLessThan(m.spec.heads);
    expect(m.spec.vocabSize).toBe(m.tokenizer.vocabSize);
    expect(m.tokenizer.encode('', true)).toEqual([m.spec.bosId]);
    expect(m.tokenizer.eosId).toBe(m.spec.eosId);
    expect(m.modules.map((x) => x.name)).toEqual(Array.from({ length: m.spec.layers }, (_, l) => `model.layers.${l}.mlp.down_proj`));
    const bytes = duBytes('public/demo');
    console.log(
      `public/demo: ${(bytes / 1e6).toFixed(2)} MB; model.safetensors ${(statSync(join(MODEL, 'model.safetensors')).size / 1e6).toFixed(2)} MB`,
    );
    expect(bytes).toBeLessThanOrEqual(10e6);
  });

  it('knows its world: known facts ≥ 90%, held-out paraphrases ≥ 3× chance (all 1876 facts)', async () => {
    const corpus = JSON.parse(readFileSync(join(DATA, 'train-corpus.json'), 'utf8')) as {
      relations: { id: string; answers: number }[];
      train: string[][];
    };
    const answers = new Map(corpus.relations.map((r) => [r.id, r.answers]));
    const relationOf = new Map(corpus.train.filter((r) => r[2] === 'template').map((r) => [r[0], r[3]]));
    const sample = known;
    const chance = sample.reduce((s, r) => s + 1 / answers.get(relationOf.get(r.prompt)!)!, 0) / sample.length;
    const ev = await evaluate(rt, m.tokenizer, sample, { kinds: ['efficacy', 'generalization'], batch: 64 });
    const src = ev.metrics.efficacy!.tokenAccuracy;
    const para = ev.metrics.generalization!.tokenAccuracy;
    console.log(`known facts (${sample.length}): src ${src.toFixed(3)}, rephrase ${para.toFixed(3)} (chance ${chance.toFixed(3)})`);
    expect(src).toBeGreaterThanOrEqual(0.9);
    expect(para).toBeGreaterThanOrEqual(3 * chance);
  }, 30_000);

  it('pre-edit on the eval stream: efficacy and generalization low, specificity high (all 1000 edits)', async () => {
    const sample = edits;
    const ev = await evaluate(rt, m.tokenizer, sample, { kinds: ['efficacy', 'generalization', 'specificity'], batch: 64 });
    const [eff, gen, spe] = (['efficacy', 'generalization', 'specificity'] as const).map((k) => ev.metrics[k]!.tokenAccuracy);
    console.log(
      `pre-edit (${sample.length} edits): efficacy ${eff.toFixed(3)}, generalization ${gen.toFixed(3)}, specificity ${spe.toFixed(3)}`,
    );
    expect(eff).toBeLessThanOrEqual(0.1);
    expect(gen).toBeLessThanOrEqual(0.1);
    expect(spe).toBeGreaterThanOrEqual(0.9);
  }, 30_000);
});
