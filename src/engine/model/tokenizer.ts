/**
 * The checkpoint's tokenizer (tokenizer.json + tokenizer_config.json) through @huggingface/tokenizers,
 * behind the engine's TextTokenizer. Pad falls back to eos (docs/design.md §1 step 1).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { InputError, type FolderSource, type TextTokenizer } from '../types';
import { readFolderJson } from '../io/text';

export interface TokenizerIds {
  /** From config.json, used when tokenizer_config.json names no eos token. */
  eosId?: number | null;
}

export async function loadTokenizer(folder: FolderSource, ids: TokenizerIds = {}): Promise<TextTokenizer> {
  const json = await readFolderJson(folder, 'tokenizer.json', true);
  const config = (await readFolderJson(folder, 'tokenizer_config.json', false)) ?? {};
  return makeTokenizer(json, config, ids, `${folder.name}/tokenizer.json`);
}

export function makeTokenizer(
  json: Record<string, unknown>,
  config: Record<string, unknown>,
  ids: TokenizerIds = {},
  where = 'tokenizer.json',
): TextTokenizer {
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(withLlamaSpecialTokens(json, config), config);
  } catch (e) {
    throw new InputError(where, `cannot be loaded (${(e as Error).message})`);
  }
  const vocab = tok.get_vocab(true);
  let maxId = -1;
  for (const id of vocab.values()) maxId = Math.max(maxId, id);

  const idOf = (field: string): number | null => {
    const t = tokenText(config[field]);
    if (t === null) return null;
    const id = tok.token_to_id(t);
    if (id === undefined) throw new InputError(where, `tokenizer_config ${field} ${JSON.stringify(t)} is not in the vocabulary`);
    return id;
  };
  const eosId = idOf('eos_token') ?? ids.eosId ?? null;
  const padId = idOf('pad_token') ?? eosId ?? 0;

  const added = Array.isArray(json.added_tokens) ? (json.added_tokens as { id?: unknown; special?: unknown }[]) : [];
  const specialIds = new Set(added.filter((t) => t.special === true && typeof t.id === 'number').map((t) => t.id as number));
  return {
    specialIds,
    encode: (text, addSpecialTokens) => tok.encode(text, { add_special_tokens: addSpecialTokens }).ids,
    decode: (tokenIds) => (tokenIds.length === 0 ? '' : tok.decode(tokenIds)),
    vocabSize: maxId + 1,
    padId,
    eosId,
  };
}

/** Special-token fields are either the token text or an AddedToken object {content, …}. */
function tokenText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return null;
}

/**
 * transformers' LlamaTokenizerFast and GemmaTokenizerFast rebuild the post-processor from
 * add_bos_token/add_eos_token (defaults true/false) instead of trusting tokenizer.json's; do the
 * same so BOS matches HF (Phi-3 names LlamaTokenizer with add_bos_token false).
 */
function withLlamaSpecialTokens(json: Record<string, unknown>, config: Record<string, unknown>): Record<string, unknown> {
  const cls = config.tokenizer_class;
  if (typeof cls !== 'string' || !/^(Llama|Gemma)Tokenizer(Fast)?$/.test(cls)) return json;
  const bos = tokenText(config.bos_token);
  const eos = tokenText(config.eos_token);
  const addBos = config.add_bos_token !== false && bos !== null;
  const addEos = config.add_eos_token === true && eos !== null;
  const added = Array.isArray(json.added_tokens) ? (json.added_tokens as { id: number; content: string }[]) : [];
  const special = (t: string) => {
    const a = added.find((x) => x.content === t);
    const vocab = (json.model as { vocab?: Record<string, number> } | undefined)?.vocab;
    const id = a?.id ?? (vocab && !Array.isArray(vocab) ? vocab[t] : undefined);
    return { id: t, ids: id === undefined ? [] : [id], tokens: [t] };
  };
  const single: unknown[] = [];
  const pair: unknown[] = [];
  const specials: Record<string, unknown> = {};
  if (addBos) {
    single.push({ SpecialToken: { id: bos, type_id: 0 } });
    specials[bos!] = special(bos!);
  }
  single.push({ Sequence: { id: 'A', type_id: 0 } });
  if (addEos) {
    single.push({ SpecialToken: { id: eos, type_id: 0 } });
    specials[eos!] = special(eos!);
  }
  pair.push(...single, ...single.map((x) => ('Sequence' in (x as object) ? { Sequence: { id: 'B', type_id: 1 } } : x)));
  return { ...json, post_processor: { type: 'TemplateProcessing', single, pair, special_tokens: specials } };
}
