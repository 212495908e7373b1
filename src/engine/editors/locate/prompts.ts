/**
 * The text side of MEMIT/AlphaEdit (docs/design.md §7): the prompt as a template with "{}" for the
 * subject, the subject's last token ("subject_last"), and the context-template prefixes
 * (prompt lists become one right-padded batch with run/batching.ts rowsBatch).
 */
import { InputError, type EditRecord, type TextTokenizer } from '../../types';
import { Rng } from '../../util/rng';
import type { ModelRuntime } from '../../runtime/runtime';
import { sampleTopK } from '../../runtime/decode';
import type { RecordSource } from '../../util/record-source';

/** Layouts whose records carry a subject field (data/layouts.ts), for the error message. */
const SUBJECT_LAYOUTS = 'CounterFact (ROME and EasyEdit), ZsRE with a "subject" field (EasyEdit/MEMIT files), WikiBigEdit, MedCF, generic';

/**
 * The record's prompt with its subject replaced by "{}", as EasyEdit does
 * (`prompt.replace(subject, '{}')`); the reference then requires exactly one "{}".
 */
export function subjectTemplate(r: EditRecord): { template: string; subject: string } {
  if (r.subject === undefined || r.subject.trim() === '')
    throw new InputError(
      `record ${r.index}`,
      `has no subject; MEMIT and AlphaEdit edit at the subject's last token, so every record needs a "subject" field (layouts with one: ${SUBJECT_LAYOUTS}; FEVER and UltraEditBench have none — map a field to "subject" in the layout mapping)`,
    );
  const parts = r.prompt.split(r.subject);
  if (parts.length !== 2)
    throw new InputError(
      `record ${r.index}`,
      `its subject ${JSON.stringify(r.subject)} occurs ${parts.length - 1} times in the prompt ${JSON.stringify(r.prompt)}; MEMIT and AlphaEdit need it exactly once`,
    );
  return { template: parts.join('{}'), subject: r.subject };
}

/**
 * Every record MEMIT / AlphaEdit will edit has a subject that occurs once in its prompt: checked before
 * any work (a record found only at turn 50 would cost the 50 turns, and fixing the data then changes
 * its SHA-256, so the checkpoint could not be resumed). `where` names the file or stream.
 */
export function checkSubjects(records: readonly EditRecord[], where: string): void {
  for (const r of records)
    try {
      subjectTemplate(r);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${where}: ${e.where}`, e.message.slice(e.where.length + 2));
      throw e;
    }
}

/**
 * checkSubjects over the records [start, end) of a source, in memory or streamed (the CLI's indexed
 * --data): read in chunks, so a 2M-record stream is checked without being held.
 */
export async function checkSourceSubjects(source: RecordSource, start: number, end: number, where: string): Promise<void> {
  for (let a = start; a < end; a += SUBJECT_CHUNK) checkSubjects(await source.range(a, Math.min(end, a + SUBJECT_CHUNK)), where);
}

const SUBJECT_CHUNK = 4096;

/** Replaces the one "{}" (Python's str.format with one positional argument). */
export function fill(template: string, value: string): string {
  const i = template.indexOf('{}');
  return i < 0 ? template : template.slice(0, i) + value + template.slice(i + 2);
}

/**
 * Index of the subject's last token in tok(template.format(subject)), EasyEdit's
 * get_words_idxs_in_templates: len(tok(prefix + subject)) − 1, both with the tokenizer's special
 * tokens. (The original MEMIT code tokenizes prefix and subject separately and adds the lengths,
 * which counts a BOS twice on tokenizers that add one; EasyEdit's form is the one that points at
 * the subject on Llama-style tokenizers.)
 */
export function subjectLastIndex(tok: TextTokenizer, template: string, subject: string): number {
  const i = template.indexOf('{}');
  if (i < 0 || template.indexOf('{}', i + 2) >= 0) throw new Error(`template ${JSON.stringify(template)} must hold exactly one "{}"`);
  return tok.encode(template.slice(0, i) + subject, true).length - 1;
}

/**
 * The reference's context templates: [["{}"], five generated "<text>. {}"], generated once from the
 * model before any edit by top-5 sampling (generate_fast) from "The", "Therefore", "Because", "I",
 * "You" up to 10 tokens (special tokens included), "{" and "}" replaced by spaces. Seeded here.
 */
export async function contextTemplates(runtime: ModelRuntime, tok: TextTokenizer, seed: number): Promise<string[][]> {
  const rng = new Rng(seed);
  const generated: string[] = [];
  for (const start of ['The', 'Therefore', 'Because', 'I', 'You']) {
    const prompt = tok.encode(start, true);
    const [ids] = await sampleTopK(runtime, [prompt], 10, 5, rng);
    // Decoded without the special tokens the prompt's encoding added, then given the generated continuation.
    const text = tok.decode(ids.slice(prompt.length - tok.encode(start, false).length));
    generated.push(text.replace(/[{}]/g, ' ') + '. {}');
  }
  return [['{}'], generated];
}
