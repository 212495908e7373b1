/**
 * Every kernel's uniform block, as its WGSL declares it, against the TypeScript layout that packs it
 * (params.ts): same fields, same order, same types, a multiple of 16 bytes; and packing puts each named
 * value at its field's byte offset.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARAM_LAYOUTS, packParams, type ParamShader } from './params';

const root = new URL('../../../../shaders/', import.meta.url);

/** The struct bound as `var<uniform>` in a shader, as ['name:type', …]. */
function uniformStruct(code: string): string[] | null {
  const bound = /var<uniform>\s+\w+\s*:\s*(\w+)/.exec(code);
  if (!bound) return null;
  const body = new RegExp(`struct\\s+${bound[1]}\\s*\\{([^}]*)\\}`).exec(code);
  if (!body) throw new Error(`struct ${bound[1]} not found`);
  return body[1]
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
    .map((f) => f.replace(/\s*:\s*/, ':'));
}

const shaders = [
  ...readdirSync(root)
    .filter((f) => f.endsWith('.wgsl'))
    .map((f) => f.slice(0, -5)),
  ...readdirSync(new URL('editor/', root))
    .filter((f) => f.endsWith('.wgsl'))
    .map((f) => `editor/${f.slice(0, -5)}`),
];

describe('kernel parameter blocks', () => {
  for (const s of shaders) {
    const fields = uniformStruct(readFileSync(new URL(`${s}.wgsl`, root), 'utf8'));
    if (!fields) continue;
    it(`${s}: the WGSL struct is the packed layout`, () => {
      expect(PARAM_LAYOUTS[s as ParamShader], `${s} has no entry in PARAM_LAYOUTS`).toBeDefined();
      expect(fields).toEqual([...PARAM_LAYOUTS[s as ParamShader]]);
      expect(fields.every((f) => /:(u32|f32)$/.test(f))).toBe(true);
      expect((fields.length * 4) % 16).toBe(0);
    });
  }

  it('every layout belongs to a shader that exists', () => {
    for (const s of Object.keys(PARAM_LAYOUTS)) expect(shaders).toContain(s);
  });

  it('packs each value at its field offset with its type, padding zero', () => {
    const view = new DataView(packParams('editor/values', { rows: 7, dIn: 96, dOut: 40, n: 523, lr: 2e-3, eps: 2 ** -23 }));
    expect(view.byteLength).toBe(32);
    expect([0, 4, 8, 12].map((o) => view.getUint32(o, true))).toEqual([7, 96, 40, 0]);
    expect(view.getFloat32(16, true)).toBe(523);
    expect(view.getFloat32(20, true)).toBe(Math.fround(2e-3));
    expect(view.getFloat32(24, true)).toBe(2 ** -23);
    expect(view.getUint32(28, true)).toBe(0);
    expect(() => packParams('editor/scatter', { rows: 1, d: 2 } as never)).toThrow(/editor\/scatter parameters: no value for coef/);
  });
});
