/**
 * A small but real byte-level BPE tokenizer (the GPT-2 / Llama 3 / Qwen2 scheme) trained on a fixed
 * corpus, emitted as the Hub's tokenizer.json. Byte-level means any text round-trips, so tests can
 * tokenize dataset samples with it; merges make it segment like a real tokenizer (multi-byte tokens).
 */

/** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to code points from 256 up. */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const out = new Array<string>(256);
  bs.forEach((b, i) => (out[b] = String.fromCodePoint(cs[i])));
  return out;
}

/** GPT-2's pre-tokenizer pattern (what tokenizers' ByteLevel pre-tokenizer splits with). */
export const BYTE_LEVEL_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Text → pre-tokenized words in byte-unicode symbols. */
export function byteLevelWords(text: string): string[][] {
  const b2u = bytesToUnicode();
  const enc = new TextEncoder();
  return (text.match(BYTE_LEVEL_PATTERN) ?? []).map((w) => Array.from(enc.encode(w), (b) => b2u[b]));
}

/** Classic BPE training: repeatedly merge the most frequent adjacent pair (ties: first in sort order). */
export function trainBpe(corpus: string, merges: number): { merges: [string, string][]; words: Map<string, string[]> } {
  const counts = new Map<string, { syms: string[]; n: number }>();
  for (const syms of byteLevelWords(corpus)) {
    const key = syms.join('');
    const e = counts.get(key);
    if (e) e.n++;
    else counts.set(key, { syms, n: 1 });
  }
  const out: [string, string][] = [];
  for (let m = 0; m < merges; m++) {
    const pairs = new Map<string, number>();
    for (const { syms, n } of counts.values()) {
      for (let i = 0; i + 1 < syms.length; i++) {
        const k = syms[i] + '\u0000' + syms[i + 1];
        pairs.set(k, (pairs.get(k) ?? 0) + n);
      }
    }
    let best: string | null = null;
    let bestN = 0;
    for (const [k, n] of pairs) if (n > bestN || (n === bestN && best !== null && k < best)) [best, bestN] = [k, n];
    if (best === null || bestN < 2) break;
    const [a, b] = best.split('\u0000') as [string, string];
    out.push([a, b]);
    for (const e of counts.values()) {
      const s: string[] = [];
      for (let i = 0; i < e.syms.length; i++) {
        if (i + 1 < e.syms.length && e.syms[i] === a && e.syms[i + 1] === b) {
          s.push(a + b);
          i++;
        } else s.push(e.syms[i]);
      }
      e.syms = s;
    }
  }
  const words = new Map<string, string[]>();
  for (const [k, e] of counts) words.set(k, e.syms);
  return { merges: out, words };
}

export interface SpecialTokens {
  /** Tokens placed before the byte alphabet (Llama/Mistral style ids 0..), in order. */
  leading: string[];
  /** Tokens placed after the merges (GPT-2/Qwen style), in order. */
  trailing: string[];
  /** Token the post-processor prepends when add_special_tokens is true (null: none). */
  bos: string | null;
}

/** tokenizer.json for a byte-level BPE with the given special tokens. */
export function byteLevelTokenizerJson(
  merges: [string, string][],
  special: SpecialTokens,
): { json: Record<string, unknown>; ids: Map<string, number> } {
  const vocab: Record<string, number> = {};
  const ids = new Map<string, number>();
  let next = 0;
  const add = (t: string) => {
    if (t in vocab) return;
    vocab[t] = next;
    ids.set(t, next++);
  };
  special.leading.forEach(add);
  for (const u of bytesToUnicode()) add(u);
  for (const [a, b] of merges) add(a + b);
  special.trailing.forEach(add);
  const added = [...special.leading, ...special.trailing].map((content) => specialAddedToken(ids.get(content)!, content));
  const post_processor = special.bos
    ? {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: special.bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [
          { SpecialToken: { id: special.bos, type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: special.bos, type_id: 1 } },
          { Sequence: { id: 'B', type_id: 1 } },
        ],
        special_tokens: { [special.bos]: { id: special.bos, ids: [ids.get(special.bos)!], tokens: [special.bos] } },
      }
    : { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  return { json, ids };
}

/** Training text: fact-style sentences like the edit datasets'. */
export const TINY_CORPUS = [
  'The capital of France is Paris. The capital of Germany is Berlin. The capital of Italy is Rome.',
  'Which river flows through the city? The river that runs through the city is the Oleander River.',
  'What language did the author write in? The author wrote in Danish, and later in English.',
  'Who composed the opera? The opera was composed by a composer from the north of the country.',
  'When was the first bridge over the estuary built? The first bridge was built in 1887.',
  'The company was founded in the city of London by two brothers, and the company is now based in New York.',
  'She is a citizen of the United States. He plays the position of goalkeeper. They speak the language of their parents.',
  'The official language of the country is English. The name of the river is the Thames. The mother tongue of the writer is French.',
  'Question: who is the head of the government? Answer: the prime minister of the country.',
  'The novel was written by the author in the year of the war, and it was translated into many languages.',
].join('\n');

/** A special token's entry in tokenizer.json's `added_tokens`, as the Rust library writes it. */
export function specialAddedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}
