/**
 * A whole-word tokenizer for the demo world in the Hugging Face `tokenizer.json` layout.
 *
 * @huggingface/tokenizers has no WordLevel model; WordPiece whose vocabulary holds only whole words
 * (no "##" pieces) is the same thing: a word in the vocabulary is one token, any other word is
 * <unk>. BertPreTokenizer splits on whitespace and on each punctuation mark, so " Tolsk" and "Tolsk"
 * are the same single token. The WordPiece decoder joins tokens with spaces and, with cleanup, drops
 * the space before . , ? — the only punctuation the world's text uses.
 */
import { specialAddedToken } from '../../src/engine/model/tiny-tokenizer';
import { templateWords, type World } from './world';
import { PERSONA_FRAMES, RELATIONS } from './templates';

export const SPECIAL_TOKENS = ['<unk>', '<s>', '</s>', '<pad>'] as const;

/** The words and marks BertPreTokenizer makes of ASCII text. */
export function splitWords(text: string): string[] {
  return text.match(/[A-Za-z0-9]+|[^A-Za-z0-9\s]/g) ?? [];
}

/** Every word the world can produce: template words (both cases of a first word), marks and names. */
export function worldVocabulary(world: World): string[] {
  const skeletons = [...RELATIONS.flatMap((r) => [...r.templates, ...(r.mhop?.templates ?? [])]), ...PERSONA_FRAMES].join(' ');
  const words = new Set<string>(splitWords(skeletons.replace(/\{[a-zA-Z_]+\}/g, ' ')));
  // Persona frames lower-case a question's first word; templates give "a"/"an"/"A"/"An".
  for (const w of templateWords()) {
    words.add(w);
    words.add(w[0].toUpperCase() + w.slice(1));
  }
  for (const list of Object.values(world.entities)) for (const name of list) words.add(name);
  return [...words].sort();
}

export interface HfTokenizerFiles {
  tokenizer: Record<string, unknown>;
  config: Record<string, unknown>;
}

export function buildTokenizer(vocabulary: readonly string[]): HfTokenizerFiles {
  const vocab: Record<string, number> = {};
  for (const t of [...SPECIAL_TOKENS, ...vocabulary]) {
    if (t in vocab) throw new Error(`duplicate token ${t}`);
    vocab[t] = Object.keys(vocab).length;
  }
  const added = SPECIAL_TOKENS.map((content, id) => specialAddedToken(id, content));
  const bos = { SpecialToken: { id: '<s>', type_id: 0 } };
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'BertPreTokenizer' },
    // Llama-style: <s> before the text when special tokens are asked for, nothing after.
    post_processor: {
      type: 'TemplateProcessing',
      single: [bos, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [bos, { Sequence: { id: 'A', type_id: 0 } }, bos, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [vocab['<s>']], tokens: ['<s>'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '<unk>', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    pad_token: '<pad>',
    add_bos_token: true,
    add_eos_token: false,
    clean_up_tokenization_spaces: true,
    model_max_length: 64,
    added_tokens_decoder: Object.fromEntries(added.map(({ id, ...t }) => [String(id), t])),
  };
  return { tokenizer, config };
}
