/**
 * Texts for the key second moment (docs/design.md §7), from what a user has: the demo's training
 * corpus (each row's prompt and answer, as the model was trained on them), a JSON array of strings
 * or of objects with a `text` field, or plain text with one sample per non-empty line. A dataset's
 * prompts are the caller's fallback (editors/locate/corpus.test.ts).
 */
import { InputError } from '../../types';

export const DEMO_CORPUS_FORMAT = 'stableedit-lab demo corpus v1';

/** The texts of `content`, or null when it is JSON of another shape (e.g. an edit dataset). */
export function corpusTexts(content: string, where: string): string[] | null {
  const trimmed = content.trimStart();
  if (!(trimmed.startsWith('[') || trimmed.startsWith('{')))
    return content
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (e) {
    throw new InputError(where, `is not valid JSON (${(e as Error).message}); a plain-text corpus must not start with "[" or "{"`);
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && (value as { format?: unknown }).format === DEMO_CORPUS_FORMAT) {
    const rows = (value as { train?: unknown }).train;
    if (!Array.isArray(rows)) throw new InputError(where, 'is a demo corpus without its "train" rows');
    return rows.map((r, i) => {
      if (!Array.isArray(r) || typeof r[0] !== 'string' || typeof r[1] !== 'string')
        throw new InputError(`${where} train row ${i}`, 'expected [prompt, answer, kind, relation]');
      return `${r[0]} ${r[1]}`;
    });
  }
  if (Array.isArray(value)) {
    if (value.every((x) => typeof x === 'string')) return value as string[];
    if (value.every((x) => x && typeof x === 'object' && typeof (x as { text?: unknown }).text === 'string'))
      return value.map((x) => (x as { text: string }).text);
  }
  return null;
}
