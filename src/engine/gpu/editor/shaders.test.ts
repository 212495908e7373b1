/**
 * Static checks that need no GPU: every pipeline the editor requests names a WGSL file that exists,
 * an entry point declared @compute in it and override constants it declares; and the loader routes
 * 'editor/…' names to shaders/editor/ while the harness's shaders still resolve. (The kernels'
 * numerics are checked against their float64 twins on Dawn: src/gpu-checks/wgsl-checks.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EDITOR_PIPELINES } from './kernels';
import { JACOBI_ENTRIES } from './jacobi';
import { bundledEditorShaderSources } from './shader-sources.vite';
import { withEditorShaders } from '../shader-sources';

describe('editor shaders', () => {
  for (const [name, req] of Object.entries(EDITOR_PIPELINES)) {
    it(`${name}: ${req.shader} declares its entry point and overrides`, () => {
      const code = bundledEditorShaderSources(req.shader);
      const entry = 'entry' in req ? req.entry : 'main';
      expect(code).toMatch(new RegExp(`@compute\\s+@workgroup_size\\([^)]*\\)\\s*\\n\\s*fn ${entry}\\(`));
      for (const c of Object.keys('constants' in req ? req.constants : {})) expect(code).toMatch(new RegExp(`override ${c}\\s*:`));
    });
  }

  it('jacobi.wgsl declares every entry point the whitener compiles', () => {
    const code = bundledEditorShaderSources('editor/jacobi');
    for (const entry of JACOBI_ENTRIES) expect(code).toMatch(new RegExp(`@compute\\s+@workgroup_size\\([^)]*\\)\\s*\\n\\s*fn ${entry}\\(`));
  });

  it('bundles exactly the files in shaders/editor/', () => {
    const used = new Set<string>(
      Object.values(EDITOR_PIPELINES)
        .map((r) => r.shader)
        .filter((s) => s.startsWith('editor/')),
    );
    used.add('editor/jacobi');
    for (const s of used)
      expect(readFileSync(new URL(`../../../../shaders/${s}.wgsl`, import.meta.url), 'utf8')).toBe(bundledEditorShaderSources(s));
  });

  it('routes editor/ names to the editor folder and the rest to the base loader', () => {
    const src = withEditorShaders(
      (n) => `base:${n}`,
      (n) => `editor:${n}`,
    );
    expect(src('editor/cholesky')).toBe('editor:cholesky');
    expect(src('matmul')).toBe('base:matmul');
    expect(() => bundledEditorShaderSources('editor/no-such')).toThrow(/no-such.*shaders\/editor/);
  });
});
