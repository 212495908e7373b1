/**
 * The training step graph: the lab's own loss graph (graph/models/transformer.ts — the same forward
 * and loss the capture graph uses: mean cross-entropy over the gathered label rows) with
 * reverse-mode gradients w.r.t. every weight input appended to it.
 */
import { buildLossGraph } from '../../../src/engine/graph/models/transformer';
import type { GraphBuilder } from '../../../src/engine/graph/builder';
import { GraphSession } from '../../../src/engine/graph/ort-session';
import type { ModelSpec, Weights } from '../../../src/engine/model/spec';
import type { LabeledSubBatch } from '../../../src/engine/run/batching';

export interface TrainShape {
  batch: number;
  seqLen: number;
  /** Label positions in the batch. */
  labels: number;
}

export interface StepResult {
  loss: number;
  /** dL/dW for every weight, keyed by checkpoint name, same layout as the weight. */
  grads: Map<string, Float32Array>;
}

export interface TrainGraph {
  g: GraphBuilder;
  weightNames: string[];
}

const gradName = (w: string) => `grad:${w}`;

export function buildTrainGraph(spec: ModelSpec, shape: TrainShape): TrainGraph {
  const { g, weightNames, loss } = buildLossGraph(spec, shape);
  const weights = weightNames.map((n) => g.inputs.find((v) => v.name === n)!);
  g.grad(loss, weights).forEach((gv, i) => g.output(gradName(weightNames[i]), gv));
  return { g, weightNames };
}

/** Compiled train graphs, one per (B, T, N) shape, on onnxruntime-web's wasm EP (the shipped demo was trained there: same bytes on a rerun). */
export class TrainSessions {
  private readonly sessions = new Map<string, Promise<{ session: GraphSession; weightNames: string[] }>>();
  constructor(private readonly spec: ModelSpec) {}

  get count(): number {
    return this.sessions.size;
  }

  async step(sb: LabeledSubBatch, weights: Weights): Promise<StepResult> {
    const shape = { batch: sb.batch, seqLen: sb.seqLen, labels: sb.labelPositions.length };
    const key = `B${shape.batch} T${shape.seqLen} N${shape.labels}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = (async () => {
        const tg = buildTrainGraph(this.spec, shape);
        return { session: await GraphSession.fromGraph(tg.g, `train ${key}`, { backend: 'wasm' }), weightNames: tg.weightNames };
      })();
      this.sessions.set(key, s);
    }
    const { session, weightNames } = await s;
    const feeds: Record<string, Float32Array | Int32Array> = {
      input_ids: sb.inputIds,
      attention_mask: sb.attentionMask,
      labels: sb.labels,
      label_positions: sb.labelPositions,
    };
    for (const n of weightNames) feeds[n] = weights.get(n)!.data;
    const out = await session.run(feeds);
    const grads = new Map<string, Float32Array>();
    for (const n of weightNames) grads.set(n, out[gradName(n)] as Float32Array);
    return { loss: (out.loss as Float32Array)[0], grads };
  }

  async release(): Promise<void> {
    for (const s of this.sessions.values()) await (await s).session.release();
    this.sessions.clear();
  }
}
