import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { DEFAULT_OPTIONS, generateFiles } from './files';
import { SPECIAL_TOKENS, splitWords } from './tokenizer';

const files = generateFiles(DEFAULT_OPTIONS);
const json = (path: string) => JSON.parse(files.get(path)!);
const tokJson = json('model/tokenizer.json');
const tok = new Tokenizer(tokJson, json('model/tokenizer_config.json'));
const vocab: Record<string, number> = tokJson.model.vocab;
const UNK = vocab['<unk>'];
const BOS = vocab['<s>'];

type Row = Record<string, unknown>;
const records = (path: string): Row[] => json(path);
const zsreFiles = ['data/known-facts.json', 'data/edits.eval.json', 'data/edits.train.json'];
const wbeFiles = ['data/edits.eval.wikibigedit.json', 'data/edits.train.wikibigedit.json'];
const corpusRows: string[][] = json('data/train-corpus.json').train;

/** Every prompt and every answer the datasets hold. */
const prompts: string[] = [];
const answers: string[] = [];
for (const f of zsreFiles)
  for (const r of records(f))
    (prompts.push(r.src as string, r.rephrase as string, r.loc as string), answers.push(r.ans as string, r.loc_ans as string));
for (const f of wbeFiles) {
  for (const r of records(f)) {
    prompts.push(...(['update', 'rephrase', 'loc', 'personas', 'mhop'] as const).map((k) => r[k] as string));
    answers.push(...(['ans', 'loc_ans', 'mhop_ans', 'old_ans', 'object'] as const).map((k) => r[k] as string));
  }
}
for (const [p, a] of corpusRows) (prompts.push(p), answers.push(a));

describe('demo tokenizer', () => {
  it('puts the special tokens first and loads with @huggingface/tokenizers', () => {
    expect(SPECIAL_TOKENS.map((t) => vocab[t])).toEqual([0, 1, 2, 3]);
    expect(Object.keys(vocab).length).toBeLessThan(2000);
    expect(tok.encode('Who founded', { add_special_tokens: true }).ids[0]).toBe(BOS);
  });

  it('round-trips every dataset string word for word, with no <unk>', () => {
    expect(prompts.length).toBeGreaterThan(20000);
    for (const p of prompts) {
      const { ids, tokens } = tok.encode(p, { add_special_tokens: false });
      expect(ids.includes(UNK), p).toBe(false);
      expect(tokens, p).toEqual(splitWords(p));
      expect(tok.decode(ids), p).toBe(p);
      const withBos = tok.encode(p, { add_special_tokens: true }).ids;
      expect(withBos, p).toEqual([BOS, ...ids]);
      expect(tok.decode(withBos, { skip_special_tokens: true }), p).toBe(p);
    }
  });

  it('encodes " " + answer as exactly the answer word, one token', () => {
    for (const a of new Set(answers)) {
      expect(vocab[a], a).toBeGreaterThanOrEqual(SPECIAL_TOKENS.length);
      expect(tok.encode(' ' + a, { add_special_tokens: false }).ids, a).toEqual([vocab[a]]);
    }
  });

  it('scores a ZsRE loc with the appended "?" exactly as the WikiBigEdit loc', () => {
    const z = records('data/edits.eval.json');
    const w = records('data/edits.eval.wikibigedit.json');
    z.forEach((r, i) => {
      expect(tok.encode((r.loc as string) + '?').ids).toEqual(tok.encode(w[i].loc as string).ids);
    });
  });
});
