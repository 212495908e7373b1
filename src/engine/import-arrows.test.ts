/**
 * The engine's arrows (docs/design.md, the map): the engine is framework-free and usable without
 * the page, so nothing under src/engine/ imports the page (src/ui/), the CLI, the workers, the
 * benchmarks or the scripts; the page's protocol (src/protocol/) is spoken only by the lab
 * (src/engine/lab/, its server side: commands in, events out); and the WGSL in shaders/ is read
 * only by src/engine/gpu/, which loads and compiles it. Tests may also use e2e/fixtures/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENGINE = join(ROOT, 'src/engine');

/** Every .ts/.tsx under a folder, as repository paths. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [relative(ROOT, join(dir, e.name)).split('\\').join('/')] : [],
  );
}

/**
 * What a file reaches, as repository paths: relative imports and re-exports, dynamic imports,
 * `new URL('…', import.meta.url)`, and Vite's root-absolute `import.meta.glob('/…')`.
 */
function reaches(file: string, text: string): string[] {
  const out: string[] = [];
  const relativeSpec = /(?:\bfrom|\bimport\s*\(|\bimport|new URL\()\s*['"`](\.{1,2}\/[^'"`$?]*)/g;
  for (const m of text.matchAll(relativeSpec)) out.push(posix.normalize(posix.join(posix.dirname(file), m[1])));
  for (const m of text.matchAll(/import\.meta\.glob\(\s*['"`]\/([^'"`]*)/g)) out.push(posix.normalize(m[1]));
  return out;
}

/** Which rule an arrow from `file` to `target` breaks, or null. */
function broken(file: string, target: string): string | null {
  const test = /\.test\.tsx?$/.test(file);
  if (target.startsWith('src/engine/') || target === 'src/engine') return null;
  if (target.startsWith('src/protocol/')) return file.startsWith('src/engine/lab/') ? null : 'only the lab speaks the protocol';
  if (target.startsWith('shaders/') || target === 'shaders') return file.startsWith('src/engine/gpu/') ? null : 'only gpu/ reads shaders/';
  if (test && target.startsWith('e2e/fixtures/')) return null;
  return 'the engine imports nothing above it';
}

function violations(files: string[], read: (f: string) => string): string[] {
  return files.flatMap((f) => reaches(f, read(f)).flatMap((t) => (broken(f, t) ? [`${f} → ${t}: ${broken(f, t)}`] : [])));
}

describe('the engine imports', () => {
  it('the rules catch each kind of up-arrow', () => {
    const text: Record<string, string> = {
      'src/engine/run/a.ts': "import type { CommandOf } from '../../protocol/messages';",
      'src/engine/model/b.ts': "import { App } from '../../ui/app';",
      'src/engine/linalg/c.ts': "const src = new URL('../../../shaders/x.wgsl', import.meta.url);",
      'src/engine/lab/d.ts': "import type { CommandOf } from '../../protocol/messages';",
      'src/engine/gpu/e.ts': "const f = import.meta.glob('/shaders/*.wgsl');",
      'src/engine/editors/f.test.ts': "import { x } from '../../../e2e/fixtures/throwaway-editor';",
    };
    expect(violations(Object.keys(text), (f) => text[f])).toEqual([
      'src/engine/run/a.ts → src/protocol/messages: only the lab speaks the protocol',
      'src/engine/model/b.ts → src/ui/app: the engine imports nothing above it',
      'src/engine/linalg/c.ts → shaders/x.wgsl: only gpu/ reads shaders/',
    ]);
  });

  it('no file under src/engine/ breaks them', () => {
    const files = sources(ENGINE).filter((f) => f !== 'src/engine/import-arrows.test.ts'); // its samples break them on purpose
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files, (f) => readFileSync(join(ROOT, f), 'utf8'))).toEqual([]);
  });
});
