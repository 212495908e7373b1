/** Seeded test matrices with a chosen spectrum, for the linear-algebra tests and benches. */
import { Rng } from '../util/rng';
import { symmetricEigen } from './eigh';

/** A random orthogonal d×d matrix (eigenvectors of a random symmetric matrix), rows orthonormal. */
export function randomOrthogonal(d: number, rng: Rng): Float64Array {
  const a = rng.normals(d * d) as Float64Array;
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i];
  return symmetricEigen(a, d).vectors;
}

/** Q diag(λ) Qᵀ with λ log-spaced from lambdaMax down to lambdaMax/kappa. */
export function spdWithCondition(d: number, kappa: number, lambdaMax: number, rng: Rng): { a: Float64Array; values: Float64Array } {
  const q = randomOrthogonal(d, rng);
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = lambdaMax * Math.pow(kappa, -i / Math.max(1, d - 1));
  const a = new Float64Array(d * d);
  for (let k = 0; k < d; k++)
    for (let i = 0; i < d; i++) {
      const s = values[k] * q[k * d + i];
      for (let j = 0; j < d; j++) a[i * d + j] += s * q[k * d + j];
    }
  // Exact symmetry so symmetric solvers see the matrix they are promised.
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[i * d + j] = a[j * d + i] = 0.5 * (a[i * d + j] + a[j * d + i]);
  return { a, values };
}

export function relativeError(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += (x[i] - ref[i]) ** 2;
    den += ref[i] ** 2;
  }
  return Math.sqrt(num / den);
}
