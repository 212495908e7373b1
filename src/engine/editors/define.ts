/** An editor definition from its declarative spec: the float64 editor is built from it directly. */
import { CpuEditor } from './cpu-backend';
import type { EditorDefinition } from './editor';
import type { EditorSpec } from './spec';

export function defineEditor(spec: EditorSpec): EditorDefinition {
  return { name: spec.name, summary: spec.summary, spec, create: (options) => new CpuEditor(spec, options) };
}
