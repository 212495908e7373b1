import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_OPTIONS, generateFiles } from './files';
import { DEFAULT_WORLD, FactIndex, generateWorld, templateWords } from './world';
import { RELATIONS } from './templates';

describe('demo world', () => {
  it('is deterministic: the same seed gives identical bytes, another seed other bytes', () => {
    const a = generateFiles(DEFAULT_OPTIONS);
    const b = generateFiles(DEFAULT_OPTIONS);
    const c = generateFiles({ ...DEFAULT_OPTIONS, seed: DEFAULT_OPTIONS.seed + 1 });
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, text] of a) {
      expect(b.get(path), path).toBe(text);
      if (path.startsWith('data/')) expect(c.get(path), path).not.toBe(text);
    }
  });

  it('matches the files shipped in public/demo (regenerate with npx tsx scripts/demo/generate.ts)', () => {
    for (const [path, text] of generateFiles(DEFAULT_OPTIONS)) {
      expect(readFileSync(join('public/demo', path), 'utf8'), path).toBe(text);
    }
  });

  it('has distinct single-word names that are not template words', () => {
    const w = generateWorld(DEFAULT_OPTIONS.seed);
    const invented = [
      w.entities.country,
      w.entities.city,
      w.entities.language,
      w.entities.currency,
      w.entities.person,
      w.entities.company,
    ].flat();
    const lower = invented.map((n) => n.toLowerCase());
    expect(new Set(lower).size).toBe(invented.length);
    const words = templateWords();
    for (const n of invented) {
      expect(n, n).toMatch(/^[A-Z][a-z]{3,10}$/);
      expect(words.has(n.toLowerCase()), n).toBe(false);
    }
    expect(w.entities.person.length).toBe(DEFAULT_WORLD.people);
    expect(w.entities.city.length).toBe(DEFAULT_WORLD.countries * DEFAULT_WORLD.citiesPerCountry);
  });

  it('ties its facts together: one fact per (relation, subject), capitals in their country, distinct founders', () => {
    const w = generateWorld(DEFAULT_OPTIONS.seed);
    const idx = new FactIndex(w);
    const keys = new Set(w.facts.map((f) => `${f.relation}|${f.subject}`));
    expect(keys.size).toBe(w.facts.length);
    for (const r of RELATIONS) {
      const facts = w.facts.filter((f) => f.relation === r.id);
      // Every subject of the relation's type has exactly one fact, and its object has the right type.
      expect(facts.map((f) => f.subject).sort(), r.id).toEqual([...w.entities[r.subject]].sort());
      for (const f of facts) expect(w.entities[r.object], `${r.id}(${f.subject})`).toContain(f.object);
    }
    for (const country of w.entities.country) expect(idx.object('located_in', idx.object('capital', country))).toBe(country);
    const founders = w.entities.company.map((c) => idx.object('founder', c));
    expect(new Set(founders).size).toBe(founders.length);
    expect(new Set(w.entities.tool).size).toBe(w.entities.occupation.length);
    // Every language and currency is in use somewhere.
    expect(new Set(w.facts.filter((f) => f.relation === 'language').map((f) => f.object)).size).toBe(DEFAULT_WORLD.languages);
    expect(new Set(w.facts.filter((f) => f.relation === 'currency').map((f) => f.object)).size).toBe(DEFAULT_WORLD.currencies);
  });
});
