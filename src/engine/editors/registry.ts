/** Every editor by name. Adding an editor: one file exporting an EditorDefinition, one line here. */
import { InputError } from '../types';
import { diagonal } from './diagonal';
import type { Editor, EditorDefinition, EditorOptions } from './editor';
import { ft } from './ft';
import { noLn } from './noLn';
import { stableedit } from './stableedit';
import { stableeditNiw } from './stableeditNiw';
import { ultraedit } from './ultraedit';

const definitions: readonly EditorDefinition[] = [ultraedit, stableedit, stableeditNiw, diagonal, noLn, ft];

export const editorNames: readonly string[] = definitions.map((d) => d.name);

export function editorDefinition(name: string): EditorDefinition {
  const d = definitions.find((x) => x.name === name);
  if (!d) throw new InputError('editor', `unknown editor "${name}"; editors: ${editorNames.join(', ')}`);
  return d;
}

export function createEditor(name: string, options: EditorOptions): Editor {
  return editorDefinition(name).create(options);
}
