/**
 * The two numbers the reference's general-capability code reports per task (docs/design.md §2,
 * "General capability"): scikit-learn's `f1_score(labels, predictions, average='weighted')` and
 * `matthews_corrcoef(labels, predictions)`, transcribed. A prediction of −1 (the generated text
 * named no label word) is a class of its own, as it is there: it has no true examples, so it weighs
 * nothing in the weighted mean, but every −1 is a miss for the true class's recall.
 */

/** The sorted union of the labels and predictions: scikit-learn's `unique_labels`. */
function classes(labels: readonly number[], predictions: readonly number[]): number[] {
  return [...new Set([...labels, ...predictions])].sort((a, b) => a - b);
}

/**
 * Per class k: precision = tp/(tp+fp), recall = tp/(tp+fn), F1 = 2·tp/(2·tp+fp+fn) (0 when the
 * denominator is, scikit-learn's zero_division default); the mean of the F1s weighted by each
 * class's count among the labels.
 */
export function weightedF1(labels: readonly number[], predictions: readonly number[]): number {
  if (labels.length !== predictions.length) throw new Error(`weightedF1: ${labels.length} labels, ${predictions.length} predictions`);
  if (labels.length === 0) return 0;
  let sum = 0;
  for (const k of classes(labels, predictions)) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    labels.forEach((y, i) => {
      const p = predictions[i];
      if (y === k && p === k) tp++;
      else if (p === k) fp++;
      else if (y === k) fn++;
    });
    const support = tp + fn;
    const denom = 2 * tp + fp + fn;
    sum += support * (denom === 0 ? 0 : (2 * tp) / denom);
  }
  return sum / labels.length;
}

/**
 * Matthews' correlation for K classes from the confusion matrix C (rows true, columns predicted):
 * with t_k = Σ_j C_kj, p_k = Σ_i C_ik, c = trace C, s = Σ C,
 * MCC = (c·s − t·p) / √((s² − p·p)(s² − t·t)), and 0 when the denominator is 0 (scikit-learn).
 */
export function matthews(labels: readonly number[], predictions: readonly number[]): number {
  if (labels.length !== predictions.length) throw new Error(`matthews: ${labels.length} labels, ${predictions.length} predictions`);
  const ks = classes(labels, predictions);
  const at = new Map(ks.map((k, i) => [k, i]));
  const t = new Array<number>(ks.length).fill(0);
  const p = new Array<number>(ks.length).fill(0);
  let c = 0;
  labels.forEach((y, i) => {
    t[at.get(y)!]++;
    p[at.get(predictions[i])!]++;
    if (y === predictions[i]) c++;
  });
  const s = labels.length;
  const dot = (a: number[], b: number[]) => a.reduce((acc, x, i) => acc + x * b[i], 0);
  const cov = c * s - dot(t, p);
  const denom = Math.sqrt((s * s - dot(p, p)) * (s * s - dot(t, t)));
  return denom === 0 ? 0 : cov / denom;
}
