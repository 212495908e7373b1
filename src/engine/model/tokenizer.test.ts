import { describe, expect, it } from 'vitest';
import { memoryFolder } from '../io/memory';
import { tinyCheckpoint } from './generate-tiny';
import { loadTokenizer } from './tokenizer';
import { TINY_CORPUS, trainBpe } from './tiny-tokenizer';

const SENTENCES = [
  'Which river flows through the city of Tarsavel?',
  ' Oleander River',
  "What language did Mira Oskendahl write in? In which language were Mira Oskendahl's works written?",
  'nq question: when was the first bridge over the harlow estuary built 1887',
  'Zürich, São Paulo — 東京 🙂  double  spaces\tand tabs\n',
];

const tok = async (arch: 'gpt2' | 'llama' | 'qwen2' | 'mistral', edit?: (cfg: Record<string, unknown>) => void) => {
  const files = tinyCheckpoint({ arch, seed: 1 });
  if (edit) {
    const cfg = JSON.parse(files.get('tokenizer_config.json') as string);
    edit(cfg);
    files.set('tokenizer_config.json', JSON.stringify(cfg));
  }
  const tokJson = JSON.parse(files.get('tokenizer.json') as string);
  return { t: await loadTokenizer(memoryFolder('t', files)), vocab: tokJson.model.vocab as Record<string, number> };
};

describe('tokenizer', () => {
  it.each(['gpt2', 'llama', 'qwen2', 'mistral'] as const)('%s: round-trips text and adds BOS only as HF would', async (arch) => {
    const { t, vocab } = await tok(arch);
    for (const s of SENTENCES) {
      const ids = t.encode(s, false);
      expect(t.decode(ids)).toBe(s);
      expect(ids.every((i) => i >= 0 && i < t.vocabSize)).toBe(true);
    }
    const plain = t.encode('The capital of France is', false);
    const special = t.encode('The capital of France is', true);
    const bos = { gpt2: null, llama: '<|begin_of_text|>', qwen2: null, mistral: '<s>' }[arch];
    if (bos) expect(special).toEqual([vocab[bos], ...plain]);
    else expect(special).toEqual(plain);
    if (bos) expect(t.decode([special[0]])).toBe(bos);
  });

  it('merges make multi-byte tokens, and segment training words exactly as the trainer did', async () => {
    const { t, vocab } = await tok('gpt2');
    const { words } = trainBpe(TINY_CORPUS, 120);
    for (const w of [' capital', ' river', 'The', ' language']) {
      const key = [...new TextEncoder().encode(w)].map((b) => String.fromCharCode(b === 32 ? 0x120 : b)).join('');
      const want = words.get(key)!.map((s) => vocab[s]);
      expect(t.encode(w, false)).toEqual(want);
    }
    expect(t.encode(' the capital of the country', false).length).toBeLessThan(' the capital of the country'.length / 2);
  });

  it('pad falls back to eos; an explicit pad_token wins', async () => {
    const g = (await tok('gpt2')).t;
    expect(g.padId).toBe(g.eosId);
    expect(g.decode([g.eosId!])).toBe('<|endoftext|>');
    const q = await tok('qwen2', (c) => (c.pad_token = '<|im_end|>'));
    expect(q.t.padId).toBe(q.vocab['<|im_end|>']);
    expect(q.t.padId).not.toBe(q.t.eosId);
  });

  it("LlamaTokenizer's add_bos_token / add_eos_token override tokenizer.json's template, as transformers does", async () => {
    const noBos = (await tok('mistral', (c) => (c.add_bos_token = false))).t;
    expect(noBos.encode('Paris', true)).toEqual(noBos.encode('Paris', false));
    const both = (await tok('mistral', (c) => (c.add_eos_token = true))).t;
    const ids = both.encode('Paris', true);
    expect(ids[0]).toBe(1);
    expect(ids[ids.length - 1]).toBe(both.eosId);
    expect(ids.slice(1, -1)).toEqual(both.encode('Paris', false));
  });
});
