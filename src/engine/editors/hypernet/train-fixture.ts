/**
 * What the meta-training tests share (rledit-train.test.ts, malmen-train.test.ts): a tiny seeded
 * llama, training records with rephrases and locality prompts, the two edited modules of one shape,
 * and the reference's cache() merge of a turn's captures into a normalizer.
 */
import { advanceCount, chanMergeBlock, type RunningMoments } from '../../linalg/chan';
import { columnMoments } from '../../linalg/moments';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint } from '../../model/generate-tiny';
import { loadModel, type LoadedModel } from '../../model/load';
import type { ScoringPair } from '../../run/batching';
import type { ModelRuntime } from '../../runtime/runtime';
import type { EditRecord, ModuleCapture, SubBatch } from '../../types';

const NAMES = ['France', 'Germany', 'Italy', 'London', 'Paris', 'Berlin', 'Rome', 'York'];
const WORDS = ['minister', 'goalkeeper', 'brothers', 'English', 'Danish', 'French', 'Thames', 'opera'];

export function records(n: number): EditRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    prompt: `The capital of ${NAMES[i % 8]} is the`,
    answer: WORDS[(i * 3 + 1) % 8],
    rephrase: `What is the capital of ${NAMES[i % 8]}?`,
    locPrompt: `The river of ${NAMES[(i + 1) % 8]} is the`,
    locAnswer: WORDS[(i + 5) % 8],
  }));
}

export const MODULES = ['model.layers.0.mlp.down_proj', 'model.layers.1.mlp.down_proj'];

export async function tiny(): Promise<LoadedModel> {
  return loadModel(
    memoryFolder('tiny', tinyCheckpoint({ arch: 'llama', seed: 8, hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 48 })),
  );
}

/** cache(): every (sub-batch, module) capture merged in order, z = [K | G], biased batch variance. */
export function mergeInto(norm: RunningMoments, caps: ModuleCapture[][]): void {
  for (const sbCaps of caps)
    for (const c of sbCaps) {
      chanMergeBlock(norm, columnMoments(c.keys, c.rows, c.dIn), 0, 'biased');
      chanMergeBlock(norm, columnMoments(c.grads, c.rows, c.dOut), c.dIn, 'biased');
      advanceCount(norm, c.rows);
    }
}

/**
 * BaseEditor.train's loss at the edited modules, as MEND and MALMEN train: with every shift applied,
 * the rephrases' cross-entropy; then per locality sub-batch the KL to the unedited model's label
 * log-probs (taken with the shifts off), × locCoef. Returns ∂loss/∂W per module; the modules are left
 * as they were.
 */
export async function editLocalityModuleGrads(
  rt: ModelRuntime,
  weightOf: (module: string) => string,
  shifts: readonly { name: string; pred: { shift: Float64Array } }[],
  tuples: readonly EditRecord[],
  cut: (pairs: ScoringPair[]) => SubBatch[],
  locCoef: number,
): Promise<Map<string, Float64Array>> {
  const moduleGrad = new Map(shifts.map((x) => [x.name, new Float64Array(x.pred.shift.length)]));
  const add = (g: Map<string, Float64Array>, w: number) => g.forEach((x, n) => x.forEach((y, i) => (moduleGrad.get(n)![i] += w * y)));
  const modules = shifts.map((x) => x.name);
  const pre = new Map<string, Float32Array>();
  for (const n of modules) pre.set(n, Float32Array.from((await rt.weight(weightOf(n))).data));
  const edit = async (on: boolean) => {
    for (const x of shifts) {
      await rt.setWeight(weightOf(x.name), pre.get(x.name)!);
      if (on) await rt.applyDelta(x.name, Float32Array.from(x.pred.shift));
    }
  };
  await edit(true);
  for (const t of cut(tuples.map((r) => ({ id: r.index, prompt: r.rephrase!, target: r.answer }))))
    add((await rt.lossGradient(t, modules)).grads, 1);
  await edit(false);
  for (const t of cut(tuples.map((r) => ({ id: r.index, prompt: r.locPrompt!, target: r.locAnswer! })))) {
    const refer = await rt.labelLogprobs(t);
    await edit(true);
    add((await rt.lossGradient(t, modules, refer)).grads, locCoef);
    await edit(false);
  }
  return moduleGrad;
}
