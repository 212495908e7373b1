/**
 * Compiled graphs by shape key, created on first use and reused; the least recently used one is
 * released past `capacity` (each session holds its own activation arenas, not the weights).
 */
import type { CompiledGraph } from './executor';

export class SessionCache {
  private readonly entries = new Map<string, Promise<CompiledGraph>>();
  /** Sessions created so far (tests check reuse with it). */
  created = 0;

  constructor(private readonly capacity = 16) {}

  async get(key: string, make: () => Promise<CompiledGraph>): Promise<CompiledGraph> {
    let p = this.entries.get(key);
    if (p) {
      this.entries.delete(key); // re-insert: Map order is recency order
      this.entries.set(key, p);
      return p;
    }
    p = make();
    this.created++;
    this.entries.set(key, p);
    p.catch(() => this.entries.delete(key));
    while (this.entries.size > this.capacity) {
      const [oldest, q] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      void q.then(
        (s) => s.release(),
        () => undefined,
      );
    }
    return p;
  }

  get size(): number {
    return this.entries.size;
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      all.map((p) =>
        p.then(
          (s) => s.release(),
          () => undefined,
        ),
      ),
    );
  }
}
