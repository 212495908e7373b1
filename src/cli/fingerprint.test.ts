/**
 * The CLI's model fingerprint (a folder on disk) and the page's (the files a load opened,
 * engine/lab/model-fingerprint.ts) are one number for the same files, so a network train-editor
 * writes is accepted in the page (docs/design.md §8, "In the page").
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderFingerprint } from '../engine/lab/model-fingerprint';
import { nodeFolder } from '../engine/io/node-files';
import { folderSha256 } from './fingerprint';

const DEMO = join(import.meta.dirname, '../../public/demo/model');

describe('model fingerprint', () => {
  it("the page's equals the CLI's for the demo model, whichever files the load opened", async () => {
    const cli = await folderSha256(DEMO);
    expect(cli).toMatch(/^[0-9a-f]{64}$/);
    expect(await folderFingerprint(nodeFolder(DEMO), new Set(['model.safetensors']))).toBe(cli);
    // Only the model files there count: the tokenizer's side files are found without being opened.
    expect(await folderFingerprint(nodeFolder(DEMO), new Set(['model.safetensors', 'model.safetensors.index.json']))).toBe(cli);
    expect(await folderFingerprint(nodeFolder(DEMO), new Set(['config.json']))).not.toBe(cli);
  });
});
