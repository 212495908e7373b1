/**
 * The GPU check kit's engine, bundled into app/check.mjs (scripts/gpu-kit/bundle.ts); run.sh calls it
 * once per step, each under its own time limit:
 *   check.mjs adapter FILE             the adapter (a missing Vulkan loader / driver: one line, exit 3)
 *   check.mjs plan DIR [--tiny]        DIR/plan.txt (the steps: kernel groups, shapes) and DIR/peer-lengths.json
 *   check.mjs kernels GROUP FILE       step (a), one group of kernel / runtime checks (check/kernels.ts)
 *   check.mjs turn SHAPE FILE [--tiny] step (b), one turn per editor at one shape (check/turn.ts)
 *   check.mjs report DIR               DIR/report.json and DIR/report.md from the steps' files (check/report.ts)
 * Errors are printed as one line (the message), never a stack trace, and written to FILE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROFILES } from '../../../benchmarks/src/shapes';
import { NodeGpuUnavailable } from '../../../src/engine/gpu/node-gpu';
import { adapterNote, kitGpu } from './gpu';
import { CHECK_GROUPS } from './kernels';
import { writeReport } from './report';
import { kitTurns, profileShapes, turnLengths } from './turn';

/**
 * `--tiny` (the kit's test on SwiftShader, where every pipeline compiles on the CPU): the kernels group
 * only — each process's first onnxruntime session costs SwiftShader minutes (docs/design.md §4), which
 * the turn step pays once; the other groups run in the browser harness of `npm test`.
 */
const TINY_GROUPS = ['kernels'];

const write = (file: string, value: unknown) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
};
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<void> {
  const [command, a, b] = argv.filter((x) => !x.startsWith('--'));
  const profile = PROFILES[argv.includes('--tiny') ? 'gpu-kit-tiny' : 'gpu-kit'];
  const t0 = performance.now();
  const seconds = () => Number(((performance.now() - t0) / 1000).toFixed(1));
  switch (command) {
    case 'adapter': {
      const note = adapterNote(await kitGpu());
      write(a, note);
      log(
        `adapter: ${note.description} (${note.device}; ${note.software ? 'software' : 'hardware'}, ${note.shaderF16 ? 'shader-f16' : 'no shader-f16'})`,
      );
      return;
    }
    case 'plan': {
      const groups = argv.includes('--tiny') ? TINY_GROUPS : Object.keys(CHECK_GROUPS);
      const lines = [...groups.map((g) => `kernels ${g}`), ...profileShapes(profile).map((s) => `turn ${s.model} ${s.layers}`)];
      mkdirSync(a, { recursive: true });
      writeFileSync(join(a, 'plan.txt'), `${lines.join('\n')}\n`);
      write(join(a, 'peer-lengths.json'), await turnLengths(profile));
      writeFileSync(
        join(a, 'peer-args.txt'),
        `--edited ${profile.editedLayers} --n-edits ${profile.nEdits} --sub-batch ${profile.subBatch} --turns ${profile.turns}\n`,
      );
      return;
    }
    case 'kernels': {
      const run = CHECK_GROUPS[a];
      if (!run) throw new Error(`unknown check group "${a}" (groups: ${Object.keys(CHECK_GROUPS).join(', ')})`);
      const adapter = adapterNote(await kitGpu());
      const rows = await run();
      write(b, { step: `kernels ${a}`, group: a, adapter, seconds: seconds(), rows });
      log(`kernels ${a}: ${rows.filter((r) => r.pass).length}/${rows.length} pass in ${seconds()} s`);
      return;
    }
    case 'turn': {
      const gpu = await kitGpu();
      const results = await kitTurns(profile, a, gpu, log);
      write(b, { step: `turn ${a}`, shape: a, adapter: adapterNote(gpu), seconds: seconds(), results });
      return;
    }
    case 'report':
      writeReport(a);
      return;
    default:
      throw new Error(`unknown command "${command ?? ''}" (adapter, plan, kernels, turn, report)`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    log(`error: ${message}`);
    const file = process.argv
      .slice(2)
      .filter((x) => !x.startsWith('--'))
      .pop();
    if (file && /\.json$/.test(file)) write(file, { error: message });
    process.exit(e instanceof NodeGpuUnavailable ? 3 : 1);
  },
);
