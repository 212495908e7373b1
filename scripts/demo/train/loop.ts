/**
 * The training loop: seeded batch order, one train-graph run per batch, AdamW with warm-up +
 * cosine. Pure given its inputs (no I/O): the same seed, corpus and options give the same bytes.
 */
import type { ModelSpec, Weights } from '../../../src/engine/model/spec';
import type { TextTokenizer } from '../../../src/engine/types';
import { Rng } from '../../../src/engine/util/rng';
import { AdamW, learningRate, type AdamOptions } from './adam';
import { BatchPlan } from './data';
import { TrainSessions } from './graph';
import type { ScoringPair } from '../../../src/engine/run/batching';

export interface TrainOptions {
  seed: number;
  epochs: number;
  batch: number;
  warmupSteps: number;
  adam: AdamOptions;
  /** Called after every epoch (monitoring); may stop training early by returning true. */
  onEpoch?: (epoch: number, info: EpochInfo, weights: Weights) => Promise<boolean | void> | boolean | void;
  onStep?: (step: number, total: number, loss: number) => void;
}

export interface EpochInfo {
  meanLoss: number;
  steps: number;
  seconds: number;
  tokensPerSecond: number;
  lr: number;
}

/** Trains `weights` in place. The batch order draws from its own Rng (seed + 1), not the init's. */
export async function train(
  spec: ModelSpec,
  weights: Weights,
  tok: TextTokenizer,
  pairs: readonly ScoringPair[],
  opts: TrainOptions,
): Promise<{ steps: number; seconds: number }> {
  const plan = new BatchPlan(tok, pairs, opts.batch);
  const total = plan.batchesPerEpoch * opts.epochs;
  const rng = new Rng(opts.seed + 1);
  const adam = new AdamW(opts.adam);
  const sessions = new TrainSessions(spec);
  const start = performance.now();
  try {
    for (let e = 0; e < opts.epochs; e++) {
      const t0 = performance.now();
      let lossSum = 0;
      let tokens = 0;
      let lr = 0;
      const batches = plan.epoch(rng);
      for (const sb of batches) {
        lr = learningRate(adam.steps, total, opts.warmupSteps, opts.adam.lr);
        const { loss, grads } = await sessions.step(sb, weights);
        if (!Number.isFinite(loss)) throw new Error(`training diverged: loss ${loss} at step ${adam.steps + 1}`);
        adam.step(weights, grads, lr);
        lossSum += loss;
        for (let i = 0; i < sb.attentionMask.length; i++) tokens += sb.attentionMask[i];
        opts.onStep?.(adam.steps, total, loss);
      }
      const seconds = (performance.now() - t0) / 1000;
      const info = { meanLoss: lossSum / batches.length, steps: batches.length, seconds, tokensPerSecond: tokens / seconds, lr };
      if (await opts.onEpoch?.(e + 1, info, weights)) break;
    }
  } finally {
    await sessions.release();
  }
  return { steps: adam.steps, seconds: (performance.now() - start) / 1000 };
}
