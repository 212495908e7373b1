/**
 * Where MEMIT and AlphaEdit look on each newer family (tiny seeded checkpoints, each with its
 * family's tokenizer rules: BOS added by Gemma; none by GPT-J, Qwen3 and Phi-3, whose
 * tokenizer_config.json says add_bos_token false):
 * - the subject position (subject_last) is the subject's last token of the filled prompt, a BOS
 *   counted once, for the bare prompt and a context template;
 * - the key lookup the editor runs through the runtime (ORT fp32) gives the edited module's input
 *   and the block output at those positions as the float64 reference forward has them (≤ 1e-5);
 * - the residual δ (a shift of the stream leaving block L) is what MEMIT's closed form spreads over
 *   the edited module's output: on GPT-J's parallel block, Qwen3 and Phi-3 a block shift equals a
 *   shift of that module's output (≤ 1e-12), where on Gemma the post-feedforward norm sits between
 *   them and the two differ (docs/design.md §7).
 */
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../../gpu/compare';
import { memoryFolder } from '../../io/memory';
import { tinyCheckpoint } from '../../model/generate-tiny';
import { loadModel } from '../../model/load';
import { editableModuleName } from '../../model/modules';
import type { Weights } from '../../model/spec';
import { referenceForward } from '../../reference/forward';
import { rowsBatch } from '../../run/batching';
import { createCpuRuntime } from '../../runtime/cpu-runtime';
import { Rng } from '../../util/rng';
import { fill, subjectLastIndex } from './prompts';

const TEMPLATES = ['{}', 'Because it rained. {}'];
const PROMPT = 'The capital of {} is the';
const SUBJECT = 'Germany';

describe.each(['gptj', 'qwen3', 'gemma2', 'gemma3_text', 'phi3'] as const)('locate-then-edit on a tiny %s', (arch) => {
  it('subject position, key lookup and the residual δ where the family puts them', async () => {
    const m = await loadModel(memoryFolder(`tiny-${arch}`, tinyCheckpoint({ arch, seed: 12, layers: 2 })));
    const tok = m.tokenizer;
    const bos = arch === 'gemma2' || arch === 'gemma3_text';
    const rows = TEMPLATES.map((c) => {
      const template = fill(c, PROMPT);
      const ids = tok.encode(fill(template, SUBJECT), true);
      const at = subjectLastIndex(tok, template, SUBJECT);
      const prefix = template.slice(0, template.indexOf('{}'));
      // The filled prompt's tokens up to `at` are those of prefix + subject (one BOS, where the family adds one),
      // the token at `at` ends the subject, and the one after it begins " is the".
      expect(ids.slice(0, at + 1)).toEqual(tok.encode(prefix + SUBJECT, true));
      expect(ids[0] === m.spec.bosId).toBe(bos);
      expect(SUBJECT.endsWith(tok.decode([ids[at]]).trim())).toBe(true);
      expect(tok.decode(ids.slice(at + 1)).startsWith(' is')).toBe(true);
      return { ids, at };
    });

    const layer = 0;
    const module = editableModuleName(m.spec, layer);
    const sb = rowsBatch(rows, [0, 1]);
    const positions = Int32Array.from(rows, (r, b) => b * sb.seqLen + r.at);
    const rt = await createCpuRuntime(m);
    const look = await rt.lookup(sb, positions, [module], [layer]);
    await rt.dispose();
    const input = { batch: sb.batch, seqLen: sb.seqLen, inputIds: sb.inputIds, attentionMask: sb.attentionMask };
    const weights = m.weights as Weights;
    const ref = referenceForward(m.spec, weights, input, { capture: [module] });
    const dIn = m.modules.find((x) => x.name === module)!.dIn;
    const H = m.spec.hidden;
    const at = (x: Float64Array, w: number) => [...positions].flatMap((p) => Array.from(x.subarray(p * w, (p + 1) * w)));
    expect(maxRelativeError(look.keys.get(module)!, at(ref.moduleInputs.get(module)!, dIn))).toBeLessThanOrEqual(1e-5);
    expect(maxRelativeError(look.blocks.get(layer)!, at(ref.blockOutputs[layer], H))).toBeLessThanOrEqual(1e-5);

    // δ at the subject position of row 0: as a block shift and as a shift of the edited module's output.
    const rng = new Rng(4);
    const shift = new Float64Array(sb.batch * sb.seqLen * H);
    for (let c = 0; c < H; c++) shift[positions[0] * H + c] = rng.normal();
    const viaBlock = referenceForward(m.spec, weights, input, { blockShift: new Map([[layer, shift]]) }).logits;
    const viaModule = referenceForward(m.spec, weights, input, { outputShift: new Map([[module, shift]]) }).logits;
    const plain = referenceForward(m.spec, weights, input).logits;
    expect(maxRelativeError(viaBlock, plain)).toBeGreaterThan(1e-3); // δ moves the logits
    if (m.spec.sandwichNorms) expect(maxRelativeError(viaModule, viaBlock)).toBeGreaterThan(1e-3);
    else expect(maxRelativeError(viaModule, viaBlock)).toBeLessThanOrEqual(1e-12);
  });
});
