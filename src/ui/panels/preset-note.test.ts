/** What the Model panel says of a loaded model's preset, as the page renders it. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../engine/model/config';
import { knownConfig } from '../../engine/model/known-configs';
import type { ModelSummary } from '../../protocol/messages';
import { PresetNote } from './preset-note';

function summary(name: string, config: Record<string, unknown>): ModelSummary {
  const s = parseConfig(config, name);
  return {
    name,
    arch: s.arch,
    params: 0,
    gpuBytes: 0,
    modules: [],
    backend: 'wasm',
    layers: s.layers,
    hidden: s.hidden,
    vocabSize: s.vocabSize,
  };
}

const text = (m: ModelSummary) =>
  renderToStaticMarkup(createElement(PresetNote, { model: m }))
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('the Model panel’s preset note', () => {
  it('a matching model: each number with its source, and that the lab’s choice is unmeasured on real weights', () => {
    const t = text(summary('HuggingFaceTB/SmolLM2-360M-Instruct', knownConfig('HuggingFaceTB/SmolLM2-360M').config));
    expect(t).toContain('HuggingFaceTB/SmolLM2-360M (matched by its config');
    expect(t).toContain('layers 28, 29, 30 — the lab’s own');
    expect(t).toContain('lr 0.0000056 — the lab’s own');
    expect(t).toContain('λ 10 — the paper : λ = 10 in every setting of the paper (App. B)');
    expect(t).toContain('not measured on its real weights');
  });

  it('a model no preset fits says so', () => {
    const t = text(summary('random-2-layers', { ...knownConfig('Qwen/Qwen2.5-0.5B').config, num_hidden_layers: 2 }));
    expect(t).toMatch(/^none: /);
  });
});
