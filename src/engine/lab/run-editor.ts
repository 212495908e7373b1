/**
 * What a run edits with: the GPU editor when the model runs on WebGPU (it shares the model's
 * device), the float64 CPU editor otherwise or when asked, and why; for MEMIT / AlphaEdit, the texts
 * their key statistics are taken over and where those statistics are cached (docs/design.md §7).
 */
import { DEMO_DATA } from './demo-defaults';
import { memoryFile } from '../io/memory';
import { readGeneralSets } from '../data/general-sets';
import type { GeneralSet } from '../eval/general/general-capability';
import type { AnyEditor } from '../editors/editor';
import { corpusTexts } from '../editors/locate/corpus';
import type { StatsCache } from '../editors/locate/key-stats';
import { isLocateEditor } from '../editors/locate/settings';
import { createGpuContext } from '../gpu/context';
import { createRunEditor } from '../gpu/editor/backend-choice';
import { isHypernetEditor, type RunConfig } from '../run/config';
import type { EditRecord } from '../types';
import type { EditorMath } from './lab-types';
import type { LabState, Model } from './lab-state';

/**
 * The run's editor: the GPU editor whenever the model runs on WebGPU (it shares the model's device,
 * so captures and weights stay on one GPU), the float64 CPU editor otherwise or when asked — and
 * why, when the GPU editor was possible or asked for but not used.
 */
export async function runEditor(
  lab: LabState,
  math: EditorMath,
  config: RunConfig,
  m: Model,
): Promise<{ gpuEditor?: AnyEditor & { dispose?(): void }; fallback?: string }> {
  if (isLocateEditor(config.editor))
    return math === 'cpu' || m.runtime.backend !== 'webgpu'
      ? {}
      : {
          fallback: `${config.editor} solves its closed forms in float64 on the CPU; its model passes run on the model's backend (docs/design.md §7)`,
        };
  // The hypernetwork editors' network and solve are float64 on the CPU, as in the CLI (docs/design.md §8).
  if (isHypernetEditor(config.editor))
    return math === 'cpu' || m.runtime.backend !== 'webgpu'
      ? {}
      : {
          fallback: `${config.editor}'s network runs in float64 on the CPU; its model passes run on the model's backend (docs/design.md §8)`,
        };
  const gpu = m.runtime.backend === 'webgpu' && math !== 'cpu' ? await lab.platform.gpu() : null;
  if (gpu && lab.platform.editorShaders && lab.editorGpu?.device !== gpu.device)
    lab.editorGpu = { device: gpu.device, ctx: createGpuContext(gpu.device, lab.platform.editorShaders) };
  const ctx = gpu && lab.platform.editorShaders ? lab.editorGpu!.ctx : null;
  const chosen = await createRunEditor({
    editor: config.editor,
    modelBackend: m.runtime.backend === 'native' ? 'node' : m.runtime.backend,
    gpu: gpu !== null,
    ctx,
    request: math,
    options: { lr: config.lr, ridge: config.ridge, niw: config.niw },
  });
  return { ...(chosen.backend === 'gpu' ? { gpuEditor: chosen.editor } : {}), ...(chosen.fallback ? { fallback: chosen.fallback } : {}) };
}

/**
 * The key statistics' cache for a model the page can name again (the demo, a Hub revision) and a
 * corpus (FNV-1a of its texts); a dropped folder has no stable name, so its runs recompute C.
 */
export function statsCache(lab: LabState, m: Model, corpus: readonly string[]): StatsCache | undefined {
  const store = lab.platform.statsStore?.() ?? null;
  const o = m.origin;
  if (!store || o.kind === 'files') return undefined;
  let h = 0x811c9dc5;
  for (const t of corpus) for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193) >>> 0;
  const model = o.kind === 'demo' ? `demo-${o.params}` : `${o.repo}@${o.revision}`.replace(/[^\w.@-]/g, '_');
  return { store, key: `${model}-${h.toString(16)}` };
}

/**
 * MEMIT / AlphaEdit's key-statistics texts: the demo model's own training corpus, or else the
 * loaded streams' prompts (docs/design.md §7).
 */
export async function locateCorpus(lab: LabState, m: Model, target: EditRecord[], warmup: EditRecord[] | undefined): Promise<string[]> {
  if (m.origin.kind === 'demo') {
    const url = new URL('demo/data/train-corpus.json', lab.platform.siteUrl).href;
    const res = await (lab.platform.fetch ?? fetch)(url);
    if (!res.ok) throw new Error(`the demo corpus ${url} answered ${res.status}`);
    const texts = corpusTexts(await res.text(), url);
    if (texts?.length) return texts;
  }
  return [...target, ...(warmup ?? [])].map((r) => r.prompt);
}

/**
 * The general-capability sets a page run scores (docs/design.md §2): the demo model's own set
 * (scripts/demo/general-set.ts), or none — the page has no picker for GLUE files yet (the CLI's
 * --general reads them).
 */
export async function pageGeneralSets(lab: LabState, m: Model, config: RunConfig): Promise<GeneralSet[]> {
  if (m.origin.kind !== 'demo' || config.generalEvery === 0) return [];
  const url = new URL(DEMO_DATA.general, lab.platform.siteUrl).href;
  const res = await (lab.platform.fetch ?? fetch)(url);
  if (!res.ok) throw new Error(`the demo's general-capability set ${url} answered ${res.status}`);
  return readGeneralSets(memoryFile('general.json', await res.text()));
}
