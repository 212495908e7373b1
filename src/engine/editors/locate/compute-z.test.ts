/**
 * The target optimization loop against a direct transcription of compute_z.py's loop (torch Adam,
 * the L2-ball projection, the 5e-2 early stop, no step after the last pass), on an objective whose
 * value and gradients are known in closed form; and the prompts it builds (context templates, the
 * answer's tokens but the last, "{subject} is a", subject-last positions) on a word tokenizer.
 */
import { describe, expect, it } from 'vitest';
import type { ModelRuntime, TargetQuery, TargetResult } from '../../runtime/runtime';
import type { TextTokenizer } from '../../types';
import { computeTarget } from './compute-z';
import { contextTemplates, subjectLastIndex, subjectTemplate } from './prompts';
import { LOCATE_DEFAULTS, type LocateSettings } from './settings';

/** Word-level: id = position in the vocabulary, BOS (1) added with special tokens; decoding puts a space before each word, as BPE decoders do for " word". */
function wordTokenizer(words: string[]): TextTokenizer {
  const vocab = ['<unk>', '<s>', ...words];
  return {
    encode: (text, special) => [
      ...(special ? [1] : []),
      ...text
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => Math.max(0, vocab.indexOf(w))),
    ],
    decode: (ids) => ids.map((i) => ` ${vocab[i]}`).join(''),
    vocabSize: vocab.length,
    padId: 0,
    eosId: null,
  };
}

const H = 3;
const A = [2, -1, 0.5]; // the NLL's minimum
const Z0 = [3, 4, 0]; // ‖z₀‖ = 5

/** nll = ‖δ − a‖²/2 + 0.01, KL = c·‖δ‖² (its reference log-probs checked), z = z₀ + δ on every row. */
function fakeRuntime(tok: TextTokenizer, seen: TargetQuery[]): ModelRuntime {
  const V = tok.vocabSize;
  return {
    spec: { hidden: H, vocabSize: V } as ModelRuntime['spec'],
    target: async (q: TargetQuery): Promise<TargetResult> => {
      seen.push(q);
      const d = Array.from(q.delta);
      const nll = d.reduce((s, x, i) => s + (x - A[i]) ** 2 / 2, 0.01);
      const c = 0.3;
      return {
        nll,
        kl: c * d.reduce((s, x) => s + x * x, 0),
        gradNll: Float32Array.from(d, (x, i) => x - A[i]),
        gradKl: Float32Array.from(d, (x) => 2 * c * x),
        klLogprobs: new Float32Array(V).fill(-Math.log(V)),
        z: Float32Array.from({ length: q.sb.batch * H }, (_, k) => Z0[k % H] + d[k % H]),
      };
    },
  } as unknown as ModelRuntime;
}

/** compute_z.py's loop, transcribed, on the same objective (δ starts at 0; KL is 0 on the first pass). */
function transcription(s: LocateSettings): number[] {
  const delta = [0, 0, 0];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  const norm = (x: number[]) => Math.sqrt(x.reduce((t, y) => t + y * y, 0));
  const z0n = norm(Z0);
  for (let it = 0; it < s.steps; it++) {
    const d = delta.map(Math.fround);
    const nll = d.reduce((t, x, i) => t + (x - A[i]) ** 2 / 2, 0.01);
    const kl = it === 0 ? 0 : 0.3 * d.reduce((t, x) => t + x * x, 0);
    const loss = nll + s.klFactor * kl + (s.weightDecay * norm(delta)) / z0n ** 2;
    if (loss < 5e-2 || it === s.steps - 1) break;
    const n = norm(delta);
    const g = d.map(
      (x, i) =>
        Math.fround(x - A[i]) +
        (it === 0 ? 0 : s.klFactor * Math.fround(0.6 * x)) +
        (n > 0 ? (s.weightDecay * delta[i]) / (n * z0n ** 2) : 0),
    );
    const t = it + 1;
    for (let i = 0; i < 3; i++) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      delta[i] -= ((s.lr / (1 - 0.9 ** t)) * m[i]) / (Math.sqrt(v[i]) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
    }
    const max = s.clampNorm * z0n;
    const after = norm(delta);
    if (after > max) for (let i = 0; i < 3; i++) delta[i] *= max / after;
  }
  return delta.map((x, i) => Z0[i] + x);
}

const tok = wordTokenizer(['What', 'is', 'the', 'job', 'of', 'Ana', 'Bel', '?', 'a', 'potter', 'red', 'clay', 'The', 'cat', '.']);
const request = {
  index: 7,
  ...subjectTemplate({ index: 7, prompt: 'What is the job of Ana Bel ?', answer: 'red clay', subject: 'Ana Bel' }),
  answer: 'red clay',
};
const templates = [['{}'], ['The cat . {}']];

describe('MEMIT target vector (compute_z)', () => {
  it.each([
    ['clamped (the authors’ defaults)', LOCATE_DEFAULTS.memit],
    ['unclamped, converging under 5e-2', { ...LOCATE_DEFAULTS.alphaedit, clampNorm: 10, steps: 200, lr: 0.05 }],
    ['no decay, one pass', { ...LOCATE_DEFAULTS.memit, steps: 1, weightDecay: 0 }],
  ])('%s: z* equals the transcribed loop ≤ 1e-12', async (_name, s) => {
    const got = await computeTarget(fakeRuntime(tok, []), tok, request, templates, 1, s);
    const want = transcription(s);
    want.forEach((w, i) => expect(Math.abs(got.target[i] - w)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w))));
    expect(got.deltaNorm).toBeLessThanOrEqual(s.clampNorm * 5 + 1e-12);
  });

  it('builds the reference prompts: templates around the prompt + answer but its last token, then "{subject} is a"', async () => {
    const seen: TargetQuery[] = [];
    await computeTarget(fakeRuntime(tok, seen), tok, request, templates, 1, { ...LOCATE_DEFAULTS.memit, steps: 1 });
    const { sb, lookup, kl } = seen[0];
    const rows = Array.from({ length: sb.batch }, (_, b) =>
      tok.decode(
        Array.from(
          sb.inputIds.subarray(
            b * sb.seqLen,
            b * sb.seqLen + sb.attentionMask.subarray(b * sb.seqLen, (b + 1) * sb.seqLen).reduce((s, x) => s + x, 0),
          ),
        ),
      ),
    );
    expect(rows.map((r) => r.trim())).toEqual([
      '<s> What is the job of Ana Bel ? red',
      '<s> The cat . What is the job of Ana Bel ? red',
      '<s> Ana Bel is a',
    ]);
    expect(kl).toBe(1);
    // subject_last: "Bel" in every row
    expect(Array.from(lookup, (p) => tok.decode([sb.inputIds[p]]).trim())).toEqual(['Bel', 'Bel', 'Bel']);
    // the answer's two tokens are scored at the last two positions of each rewriting row, none on the KL row
    const labelled = Array.from(sb.labelPositions, (p) => [Math.floor(p / sb.seqLen), tok.decode([sb.labels[p]]).trim()]);
    expect(labelled).toEqual([
      [0, 'red'],
      [0, 'clay'],
      [1, 'red'],
      [1, 'clay'],
    ]);
    expect(subjectLastIndex(tok, 'The cat . What is the job of {} ?', 'Ana Bel')).toBe(10);
  });

  it('context templates: "{}" and five seeded top-5 samples of 10 tokens, braces replaced, ". {}" appended', async () => {
    const lengths: number[] = [];
    const braces = wordTokenizer(['The', '{x}', 'cat', 'I', 'You', 'Because', 'Therefore']);
    const next = (ids: readonly number[], k: number) => {
      lengths.push(ids.length);
      expect(k).toBe(5);
      return { ids: [3, 4, 5, 6, 7], probs: [0.5, 0.2, 0.1, 0.1, 0.1] };
    };
    const runtime = {
      spec: { vocabSize: braces.vocabSize, maxPositions: 64 },
      nextTokens: async (ids: number[], k: number) => next(ids, k),
      nextTokensBatch: async (rows: number[][], k: number) => rows.map((ids) => next(ids, k)),
    } as unknown as ModelRuntime;
    const [a, b] = [await contextTemplates(runtime, braces, 3), await contextTemplates(runtime, braces, 3)];
    expect(a).toEqual(b);
    expect(a[0]).toEqual(['{}']);
    expect(a[1]).toHaveLength(5);
    for (const t of a[1]) {
      expect(t.endsWith('. {}')).toBe(true);
      expect(t.slice(0, -4)).not.toMatch(/[{}]/);
    }
    expect(a[1][0].trim().startsWith('The ')).toBe(true);
    // each of the 5 prompts ([BOS, word]) grows one sampled token at a time to 10 tokens, twice over
    expect(lengths).toEqual([...Array(10)].flatMap(() => [2, 3, 4, 5, 6, 7, 8, 9]));
  });
});
