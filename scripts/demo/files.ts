/** The bytes of every generated file, keyed by path relative to public/demo. Pure: no I/O. */
import { generateWorld, DEFAULT_WORLD, type WorldConfig } from './world';
import { editStreams, knownFacts, toWikiBigEdit, toZsre, trainCorpus } from './datasets';
import { buildTokenizer, worldVocabulary } from './tokenizer';
import { generalCapabilitySet } from './general-set';

export interface GenerateOptions {
  seed: number;
  nEval: number;
  nTrain: number;
  world?: WorldConfig;
}

export const DEFAULT_SEED = 6;
export const DEFAULT_OPTIONS: GenerateOptions = { seed: DEFAULT_SEED, nEval: 1000, nTrain: 500 };

/**
 * JSON with one record per line: readable, diffable, and still small. Top-level arrays and the
 * arrays directly under a top-level object get one element per line when
 * their elements are objects or arrays; everything else is compact.
 */
export function recordsJson(value: unknown): string {
  const arr = (a: unknown[]) =>
    a.some((x) => x !== null && typeof x === 'object') ? `[\n${a.map((x) => JSON.stringify(x)).join(',\n')}\n]` : JSON.stringify(a);
  if (Array.isArray(value)) return arr(value) + '\n';
  if (value !== null && typeof value === 'object') {
    const body = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${Array.isArray(v) ? arr(v) : JSON.stringify(v)}`);
    return `{\n${body.join(',\n')}\n}\n`;
  }
  return JSON.stringify(value) + '\n';
}

export function generateFiles(opts: GenerateOptions = DEFAULT_OPTIONS): Map<string, string> {
  const world = generateWorld(opts.seed, opts.world ?? DEFAULT_WORLD);
  const streams = editStreams(world, opts.nEval, opts.nTrain);
  const tok = buildTokenizer(worldVocabulary(world));
  return new Map([
    ['data/world.json', recordsJson({ seed: world.seed, config: world.config, entities: world.entities, facts: world.facts })],
    ['data/known-facts.json', recordsJson(knownFacts(world))],
    ['data/edits.eval.json', recordsJson(streams.eval.map(toZsre))],
    ['data/edits.train.json', recordsJson(streams.train.map(toZsre))],
    ['data/edits.eval.wikibigedit.json', recordsJson(streams.eval.map(toWikiBigEdit))],
    ['data/edits.train.wikibigedit.json', recordsJson(streams.train.map(toWikiBigEdit))],
    ['data/train-corpus.json', recordsJson(trainCorpus(world))],
    ['data/general.json', recordsJson(generalCapabilitySet(world))],
    ['model/tokenizer.json', JSON.stringify(tok.tokenizer) + '\n'],
    ['model/tokenizer_config.json', JSON.stringify(tok.config, null, 2) + '\n'],
  ]);
}
