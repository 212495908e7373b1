/**
 * Scoring the demo model through the lab's own path: loadModel on the written folder, the wasm
 * ModelRuntime, and evaluate() (teacher-forced top-1 token accuracy, UltraEdit's protocol).
 */
import { join } from 'node:path';
import { loadDataset } from '../../../src/engine/data/dataset';
import { evaluate, type MetricKind } from '../../../src/engine/eval/evaluate';
import { nodeFile, nodeFolder } from '../../../src/engine/io/node-files';
import { readFolderJson } from '../../../src/engine/io/text';
import { loadModel } from '../../../src/engine/model/load';
import type { ModelRuntime } from '../../../src/engine/runtime/runtime';
import { createCpuRuntime } from '../../../src/engine/runtime/cpu-runtime';
import { InputError, type EditRecord, type FolderSource, type TextTokenizer } from '../../../src/engine/types';
import type { TokenIds } from './config';

export interface DemoRecords {
  /** known-facts.json: every fact with its true answer (src → ans, rephrase → ans). */
  known: EditRecord[];
  /** edits.eval.json: the counterfactual eval stream. */
  edits: EditRecord[];
}

export async function loadDemoRecords(dataDir: string): Promise<DemoRecords> {
  const load = async (f: string) => (await loadDataset(nodeFile(join(dataDir, f)))).records;
  return { known: await load('known-facts.json'), edits: await load('edits.eval.json') };
}

/** vocab size and the ids of tokenizer_config's bos/eos tokens, for config.json. */
export async function specialIds(folder: FolderSource, tok: TextTokenizer): Promise<TokenIds> {
  const config = (await readFolderJson(folder, 'tokenizer_config.json', true)) as Record<string, unknown>;
  const id = (field: string): number => {
    const text = config[field];
    const ids = typeof text === 'string' ? tok.encode(text, false) : [];
    if (ids.length !== 1) throw new InputError(`${folder.name}/tokenizer_config.json`, `${field} ${JSON.stringify(text)} is not one token`);
    return ids[0];
  };
  return { vocabSize: tok.vocabSize, bosId: id('bos_token'), eosId: id('eos_token') };
}

const BATCH = 64;

/** Token accuracy on known facts' canonical prompts (src) and held-out paraphrases (rephrase). */
export async function scoreKnown(
  rt: ModelRuntime,
  tok: TextTokenizer,
  records: readonly EditRecord[],
): Promise<{ known: number; paraphrase: number }> {
  const ev = await evaluate(rt, tok, records, { kinds: ['efficacy', 'generalization'], batch: BATCH });
  return { known: ev.metrics.efficacy!.tokenAccuracy, paraphrase: ev.metrics.generalization!.tokenAccuracy };
}

export interface DemoScores {
  knownFacts: { records: number; src: number; rephrase: number; srcExact: number };
  preEdit: Partial<Record<MetricKind, number>> & { records: number };
  seconds: number;
}

/** The full check of a written model folder (train.ts's last step; model.test.ts checks a sample). */
export async function scoreDemoModel(modelDir: string, records: DemoRecords): Promise<DemoScores> {
  const t0 = performance.now();
  const m = await loadModel(nodeFolder(modelDir));
  const rt = await createCpuRuntime(m, { backend: 'wasm' });
  try {
    const k = await evaluate(rt, m.tokenizer, records.known, { kinds: ['efficacy', 'generalization'], batch: BATCH });
    const e = await evaluate(rt, m.tokenizer, records.edits, { kinds: ['efficacy', 'generalization', 'specificity'], batch: BATCH });
    return {
      knownFacts: {
        records: records.known.length,
        src: k.metrics.efficacy!.tokenAccuracy,
        rephrase: k.metrics.generalization!.tokenAccuracy,
        srcExact: k.metrics.efficacy!.exactMatch,
      },
      preEdit: {
        records: records.edits.length,
        efficacy: e.metrics.efficacy?.tokenAccuracy,
        generalization: e.metrics.generalization?.tokenAccuracy,
        specificity: e.metrics.specificity?.tokenAccuracy,
      },
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await rt.dispose();
  }
}
