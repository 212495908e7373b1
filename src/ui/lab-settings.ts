/** The page's one settings store, seeded from the demo defaults and the URL, and written back to the URL. */
import { DEMO_INTERACTIVE, DEMO_MODULES, DEMO_RUN } from '../engine/lab/demo-defaults';
import { defaultLayers, presetFor } from '../engine/model/presets';
import type { CommandBody, ModelSource, ModelSummary } from '../protocol/messages';
import { createSettingsStore, formFromConfig, formToQuery, wasmThreadsOf } from './settings';

export const SETTINGS_DEFAULTS = formFromConfig(DEMO_RUN, 'auto', DEMO_INTERACTIVE);

const query = typeof location === 'undefined' ? '' : location.search;

export const useSettings = createSettingsStore(SETTINGS_DEFAULTS, query, (form) => {
  if (typeof history === 'undefined') return;
  const url = `${location.pathname}?${formToQuery(form)}${location.hash}`;
  history.replaceState(history.state, '', url);
});

/** The command that loads `source` with the backend and threads the settings name. */
export function modelLoad(source: ModelSource): CommandBody<'model/load'> {
  const form = useSettings.getState().form;
  return { type: 'model/load', source, backend: form.backend, wasmThreads: wasmThreadsOf(form) };
}

/** Modules (and lr/λ where a preset matches, by name or by config) for a freshly loaded model, unless the URL chose modules. */
export function applyModelPreset(model: ModelSummary): void {
  const s = useSettings.getState();
  const names = new Set(model.modules.map((m) => m.name));
  if (s.modulesFromUrl && s.form.modules.every((m) => names.has(m))) return;
  if (model.name === 'demo (built-in)') {
    s.set({ modules: DEMO_MODULES.filter((m) => names.has(m)) });
    return;
  }
  const preset = presetFor(model)?.preset;
  const layers = preset?.layers.value ?? defaultLayers(model.layers);
  const modules = model.modules.filter((m) => layers.includes(m.layer)).map((m) => m.name);
  s.set(preset ? { modules, lr: String(preset.lr.value), ridge: String(preset.ridge.value) } : { modules });
}
