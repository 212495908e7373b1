/**
 * The demo world: invented entities and the facts that tie them together, deterministic given the
 * seed. Geography: countries, their cities (the first is the capital), one language and one currency
 * per country (shared by several countries). People are born in a city, have an occupation and an
 * employer; companies have a founder (each a different person) and headquarters in a city.
 */
import { Rng } from '../../src/engine/util/rng';
import { inventNames, type NameKind } from './names';
import { OCCUPATION_TOOLS, PERSONA_FRAMES, RELATIONS, type EntityType, type RelationId } from './templates';

export interface WorldConfig {
  countries: number;
  citiesPerCountry: number;
  languages: number;
  currencies: number;
  people: number;
  companies: number;
}

/** Sized so the edit streams (1000 eval + 500 warm-up, disjoint subjects) fit with a spare loc pool. */
export const DEFAULT_WORLD: WorldConfig = {
  countries: 20,
  citiesPerCountry: 4,
  languages: 12,
  currencies: 12,
  people: 520,
  companies: 80,
};

export interface Fact {
  relation: RelationId;
  subject: string;
  object: string;
}

export interface World {
  seed: number;
  config: WorldConfig;
  entities: Record<EntityType, string[]>;
  /** Every fact, ordered by relation (as in RELATIONS) then subject creation order. */
  facts: Fact[];
}

export function factKey(relation: RelationId, subject: string): string {
  return `${relation}|${subject}`;
}

/** Words the templates use: no invented name may equal one of them. */
export function templateWords(): Set<string> {
  const text = [
    ...RELATIONS.flatMap((r) => [...r.templates, ...r.roles, ...(r.mhop?.templates ?? [])]),
    ...PERSONA_FRAMES,
    ...OCCUPATION_TOOLS.flat(),
    'a an',
  ].join(' ');
  return new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
}

export function generateWorld(seed: number, config: WorldConfig = DEFAULT_WORLD): World {
  const rng = new Rng(seed);
  const taken = templateWords();
  const names = (kind: NameKind, n: number) => inventNames(rng, kind, n, taken);

  const countries = names('country', config.countries);
  const cities = names('city', config.countries * config.citiesPerCountry);
  const languages = names('language', config.languages);
  const currencies = names('currency', config.currencies);
  const people = names('person', config.people);
  const companies = names('company', config.companies);
  if (companies.length > people.length) throw new Error('need at least as many people as companies (distinct founders)');
  const occupations = OCCUPATION_TOOLS.map(([o]) => o);
  const tools = OCCUPATION_TOOLS.map(([, t]) => t);

  const facts: Record<RelationId, Fact[]> = Object.fromEntries(RELATIONS.map((r) => [r.id, []])) as never;
  const add = (relation: RelationId, subject: string, object: string) => facts[relation].push({ relation, subject, object });

  // Cities are dealt to countries in blocks; the first city of each block is the capital.
  countries.forEach((country, c) => {
    const own = cities.slice(c * config.citiesPerCountry, (c + 1) * config.citiesPerCountry);
    for (const city of own) add('located_in', city, country);
    add('capital', country, own[0]);
  });
  // Shuffled round-robin: every language and currency is spoken/used somewhere.
  const langOrder = rng.shuffle([...countries]);
  const curOrder = rng.shuffle([...countries]);
  const langOf = new Map(langOrder.map((c, i) => [c, languages[i % languages.length]]));
  const curOf = new Map(curOrder.map((c, i) => [c, currencies[i % currencies.length]]));
  for (const country of countries) {
    add('language', country, langOf.get(country)!);
    add('currency', country, curOf.get(country)!);
  }
  const founders = rng.shuffle([...people]).slice(0, companies.length);
  companies.forEach((company, i) => {
    add('founder', company, founders[i]);
    add('headquarters', company, rng.pick(cities));
  });
  for (const person of people) {
    add('birthplace', person, rng.pick(cities));
    add('occupation', person, rng.pick(occupations));
    add('employer', person, rng.pick(companies));
  }
  OCCUPATION_TOOLS.forEach(([o, t]) => add('tool', o, t));

  return {
    seed,
    config,
    entities: {
      country: countries,
      city: cities,
      language: languages,
      currency: currencies,
      person: people,
      company: companies,
      occupation: occupations,
      tool: tools,
    },
    facts: RELATIONS.flatMap((r) => facts[r.id]),
  };
}

/** Fast look-up of the world's true objects. */
export class FactIndex {
  private readonly map = new Map<string, string>();
  constructor(readonly world: World) {
    for (const f of world.facts) this.map.set(factKey(f.relation, f.subject), f.object);
  }
  object(relation: RelationId, subject: string): string {
    const o = this.map.get(factKey(relation, subject));
    if (o === undefined) throw new Error(`the world has no fact ${relation}(${subject})`);
    return o;
  }
}
