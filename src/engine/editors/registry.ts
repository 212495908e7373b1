/**
 * Every editor by name. Adding an editor: one file exporting `defineEditor({...})` (./define.ts), one
 * line in `builtinEditors` — both backends build it from its spec (add-an-editor.test.ts and
 * src/gpu-checks/wgsl-checks.test.ts (on Dawn) do exactly that with a throwaway editor).
 */
import { InputError } from '../types';
import { diagonal } from './diagonal';
import type { Editor, EditorDefinition, EditorOptions } from './editor';
import { ft } from './ft';
import { noLn } from './no-ln';
import { stableedit } from './stableedit';
import { stableeditNiw } from './stableedit-niw';
import { ultraedit } from './ultraedit';

export const builtinEditors: readonly EditorDefinition[] = [ultraedit, stableedit, stableeditNiw, diagonal, noLn, ft];

export interface EditorRegistry {
  names: readonly string[];
  definition(name: string): EditorDefinition;
}

export function editorRegistry(definitions: readonly EditorDefinition[]): EditorRegistry {
  const names = definitions.map((d) => d.name);
  return {
    names,
    definition(name) {
      const d = definitions.find((x) => x.name === name);
      if (!d) throw new InputError('editor', `unknown editor "${name}"; editors: ${names.join(', ')}`);
      return d;
    },
  };
}

export const editors = editorRegistry(builtinEditors);
export const editorNames: readonly string[] = editors.names;

export function editorDefinition(name: string): EditorDefinition {
  return editors.definition(name);
}

export function createEditor(name: string, options: EditorOptions): Editor {
  return editorDefinition(name).create(options);
}
