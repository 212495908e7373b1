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
import type { EditRecord, ModuleCapture } from '../../types';

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
