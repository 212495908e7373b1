/**
 * One file-naming rule for the whole repository (docs/design.md, the map): every source file and
 * every folder is kebab-case — lower-case words and digits joined by hyphens, dots only between
 * name parts (`cpu-backend.ts`, `f64-pool.worker.ts`, `shader-sources.vite.ts`); the editors are
 * named as the CLI names them (`no-ln.ts`, `stableedit-niw.ts`). Data files (the demo's
 * checkpoint, screenshots, README*.md) are not source and keep the names their tools give them.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url);
const SOURCE = /\.(ts|tsx|mts|mjs|js|cjs|wgsl|html|css|py|sh)$/;
const PART = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** `no-ln.ts`, `f64-pool.worker.ts`: every dot-separated part kebab-case; a leading dot (`.ci`) allowed. */
function isKebab(name: string): boolean {
  return name
    .replace(/^\./, '')
    .split('.')
    .every((part) => PART.test(part));
}

/** The repository's files as git sees them (tracked, and new ones not ignored), relative to the root. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('file names', () => {
  it('the rule: kebab-case parts, dots between them', () => {
    for (const good of ['no-ln.ts', 'stableedit-niw.ts', 'f64-pool.worker.ts', 'chart-stream.built.spec.ts', 'weights16.ts', '.ci'])
      expect(isKebab(good), good).toBe(true);
    for (const bad of ['noLn.ts', 'App.tsx', 'inverseSqrt-kernel.ts', 'run_summary.ts', 'a--b.ts', '-a.ts', 'a..ts'])
      expect(isKebab(bad), bad).toBe(false);
  });

  it('every source file and every folder of the repository follows it', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100); // git answered with the repository, not an empty list
    const offenders = new Set<string>();
    for (const path of files) {
      const parts = path.split('/');
      const name = parts.pop()!;
      parts.forEach((dir, i) => {
        if (!isKebab(dir)) offenders.add(`${parts.slice(0, i + 1).join('/')}/ (folder)`);
      });
      if (SOURCE.test(name) && !isKebab(name)) offenders.add(path);
    }
    expect([...offenders], 'rename these to kebab-case (git mv)').toEqual([]);
  });
});
