import { describe, expect, it } from 'vitest';
import { DEMO_RUN } from './demo-defaults';
import { editedModelMetadata, exportStem } from './export-name';
import { readFileSync } from 'node:fs';

const at = new Date(2026, 11, 7, 16, 5);

describe('export names', () => {
  it('names a run by model, editor, settings and date, λ included', () => {
    expect(
      exportStem({ model: 'demo (built-in)', editor: 'stableedit', lr: 0.001, ridge: 10, label: 'stableedit lr 0.001 λ 10', at }),
    ).toBe('demo-built-in-stableedit-lr0.001-ridge10-2026-12-07-1605');
    // The metrics file: stableedit_lr_0.001_10.metrics.csv (λ dropped, no model or date).
  });

  it('keeps a name the user gave the run, made file-safe', () => {
    expect(
      exportStem({ model: 'HuggingFaceTB/SmolLM2-135M@main', editor: 'ultraedit', lr: 0.002, ridge: 1, label: 'my run: L2+L3', at }),
    ).toBe('HuggingFaceTB-SmolLM2-135M-main-my-run-L2-L3-ultraedit-lr0.002-ridge1-2026-12-07-1605');
    expect(exportStem({ model: 'demo (built-in)', at })).toBe('demo-built-in-2026-12-07-1605');
  });

  it('writes the run settings and the lab version into the weights metadata, every value a string', () => {
    const LAB_VERSION = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
    const meta = editedModelMetadata('demo (built-in)', LAB_VERSION, { id: 'run-1', config: DEMO_RUN });
    expect(meta).toMatchObject({
      source: 'demo (built-in)',
      lab_version: LAB_VERSION,
      run: 'run-1',
      alg_name: 'stableedit',
      lr: '0.001',
      ridge: '10',
      layers: 'model.layers.2.mlp.down_proj,model.layers.3.mlp.down_proj',
      n_edits: '20',
      warmup_turns: '25',
    });
    expect(JSON.parse(meta.run_config)).toEqual(DEMO_RUN);
    for (const v of Object.values(meta)) expect(typeof v).toBe('string');
    expect(editedModelMetadata('demo (built-in)', LAB_VERSION).lab_version).toBe(LAB_VERSION);
  });
});
