import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ultraStream } from './ultra-stream';
import { writeUltraStream } from './ultra-stream-file';
import { loadDataset } from '../../src/engine/data/dataset';
import { nodeFile } from '../../src/engine/io/node-files';

describe('synthetic ultra-large streams from the demo world', () => {
  it('are seeded, go over the world in passes, and read back in the layout they are written in', async () => {
    const a = [...ultraStream({ edits: 4000, layout: 'ultraeditbench', seed: 1 })];
    expect(a).toHaveLength(4000);
    expect([...ultraStream({ edits: 4000, layout: 'ultraeditbench', seed: 1 })]).toEqual(a);
    expect([...ultraStream({ edits: 50, layout: 'ultraeditbench', seed: 2 })]).not.toEqual(a.slice(0, 50));
    // more edits than the world has editable facts: later passes edit the same facts to other answers
    const prompts = new Set(a.map((r) => ('prompt' in r ? r.prompt : '')));
    expect(prompts.size).toBeLessThan(a.length);
    const dir = mkdtempSync(join(tmpdir(), 'se-ultra-'));
    for (const layout of ['ultraeditbench', 'wikibigedit'] as const) {
      const path = join(dir, `${layout}.jsonl`);
      writeUltraStream(path, { edits: 300, layout, seed: 1 });
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(300);
      const { records, report } = await loadDataset(nodeFile(path), { onInvalid: 'stop' });
      expect(report.detection?.layout).toBe(layout);
      expect(records).toHaveLength(300);
      expect(records.every((r) => r.rephrase && r.locPrompt && r.locAnswer)).toBe(true);
      if (layout === 'wikibigedit') expect(records.every((r) => r.personas && r.mhop && r.mhopAnswer)).toBe(true);
    }
  });
});
