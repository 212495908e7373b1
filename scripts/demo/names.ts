/**
 * Invented, pronounceable names built from syllables. Each entity type has its own endings so that a
 * reader (and the model) can tell a city from a person by its shape, as in a real world.
 */
import type { Rng } from '../../src/engine/util/rng';

const ONSETS = [
  'b',
  'd',
  'f',
  'g',
  'h',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'z',
  'br',
  'dr',
  'gr',
  'kr',
  'tr',
  'st',
  'th',
  'sh',
  'vel',
  'mor',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'o'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'k', 'm', 'th'];

export type NameKind = 'country' | 'city' | 'language' | 'currency' | 'person' | 'company';

const ENDINGS: Record<NameKind, readonly string[]> = {
  country: ['ia', 'ia', 'ora', 'and', 'esh', 'ar'],
  city: ['sk', 'holm', 'vik', 'ford', 'ton', 'grad', 'mere', 'by'],
  language: ['ish', 'ese', 'ic', 'ian'],
  currency: ['mark', 'crown', 'dal', 'ruk'],
  person: ['a', 'o', 'in', 'el', 'an', 'is', 'ette', 'ard'],
  company: ['ex', 'ico', 'tron', 'ava', 'corp', 'ix'],
};

/** Syllables before the ending: people get longer names since there are many more of them. */
const ROOT_SYLLABLES: Record<NameKind, [min: number, max: number]> = {
  country: [1, 2],
  city: [1, 2],
  language: [1, 2],
  currency: [1, 1],
  person: [2, 2],
  company: [1, 2],
};

function syllable(rng: Rng): string {
  return rng.pick(ONSETS) + rng.pick(VOWELS) + rng.pick(CODAS);
}

function capitalize(w: string): string {
  return w[0].toUpperCase() + w.slice(1);
}

/**
 * `count` distinct names of one kind. `taken` holds every name (lower-cased) already used anywhere in
 * the world, including template words, so no name collides with another entity or a common word.
 */
export function inventNames(rng: Rng, kind: NameKind, count: number, taken: Set<string>): string[] {
  const [lo, hi] = ROOT_SYLLABLES[kind];
  const out: string[] = [];
  let attempts = 0;
  while (out.length < count) {
    if (++attempts > count * 200) throw new Error(`could not invent ${count} distinct ${kind} names`);
    const n = lo + rng.int(hi - lo + 1);
    let root = '';
    for (let i = 0; i < n; i++) root += syllable(rng);
    const name = capitalize(root + rng.pick(ENDINGS[kind]));
    // Very long names read badly; triple letters ("sss") are not pronounceable.
    if (name.length < 4 || name.length > 11 || /(.)\1\1/.test(name)) continue;
    const key = name.toLowerCase();
    if (taken.has(key)) continue;
    taken.add(key);
    out.push(name);
  }
  return out;
}
