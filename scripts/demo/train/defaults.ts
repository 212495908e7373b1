/** The options the shipped demo model was trained with (scripts/demo/train.ts defaults). */
import type { CorpusKind } from './data';

export interface DemoTrainOptions {
  seed: number;
  epochs: number;
  batch: number;
  lr: number;
  warmupSteps: number;
  kinds: CorpusKind[];
}

export const DEFAULT_TRAIN: DemoTrainOptions = { seed: 6, epochs: 12, batch: 32, lr: 1e-3, warmupSteps: 30, kinds: ['template'] };
