/**
 * One piece of logic for a synchronous and an asynchronous implementation: written as a generator
 * that yields only where a value may be a Promise (`yield* wait(x)`), then driven to completion
 * either synchronously (runSync: the float64 editor, whose callers expect plain return values) or
 * asynchronously (runAsync: the GPU editor, which awaits its readbacks).
 */
export type Maybe<T> = T | Promise<T>;
export type Steps<T> = Generator<Promise<unknown>, T, unknown>;

export function* wait<T>(value: Maybe<T>): Steps<T> {
  return value instanceof Promise ? ((yield value) as T) : value;
}

export function runSync<T>(steps: Steps<T>, who: string): T {
  const r = steps.next();
  if (!r.done) throw new Error(`${who}: a synchronous implementation returned a Promise`);
  return r.value;
}

export async function runAsync<T>(steps: Steps<T>): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    let value: unknown;
    try {
      value = await r.value;
    } catch (e) {
      r = steps.throw(e);
      continue;
    }
    r = steps.next(value);
  }
  return r.value;
}
