/**
 * One model, several callers (a run's turns, the probe box, exports): every runtime call waits for
 * the previous one, so two ORT sessions never run on the same weights at once and a probe between
 * two turns sees the weights of a whole turn, never half of one.
 */
import type { ModelRuntime } from './runtime';

export function serialRuntime(inner: ModelRuntime): ModelRuntime {
  let tail: Promise<unknown> = Promise.resolve();
  const queue = <T>(f: () => Promise<T>): Promise<T> => {
    const next = tail.then(f, f);
    tail = next.catch(() => undefined);
    return next;
  };
  return {
    get backend() {
      return inner.backend;
    },
    spec: inner.spec,
    modules: inner.modules,
    capture: (sb, modules, opts) => queue(() => inner.capture(sb, modules, opts)),
    predict: (sb) => queue(() => inner.predict(sb)),
    predictFrom: (sb, residual) => queue(() => inner.predictFrom(sb, residual)),
    lookup: (sb, positions, modules, layers) => queue(() => inner.lookup(sb, positions, modules, layers)),
    target: (q) => queue(() => inner.target(q)),
    lossGradient: (sb, modules, ref) => queue(() => inner.lossGradient(sb, modules, ref)),
    labelLogprobs: (sb) => queue(() => inner.labelLogprobs(sb)),
    nextTokens: (ids, k) => queue(() => inner.nextTokens(ids, k)),
    nextTokensBatch: (rows, k) => queue(() => inner.nextTokensBatch(rows, k)),
    applyDelta: (m, d) => queue(() => inner.applyDelta(m, d)),
    setWeight: (n, d) => queue(() => inner.setWeight(n, d)),
    weight: (n) => queue(() => inner.weight(n)),
    weights: (which) => queue(() => inner.weights(which)),
    resetWeights: () => queue(() => inner.resetWeights()),
    dispose: () => queue(() => inner.dispose()),
  };
}
