/**
 * Fault suite, bad input: generated corruptions of every argument and input format of run, capture,
 * replay and eval (flags, paths, datasets in JSON / JSONL / CSV, model folders, captured streams).
 * Each case asserts the exit code (2 usage, 1 input), a message naming the place, no stack trace and
 * no output left behind. Corruptions are drawn from a seeded generator, so every run tries the same.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFolder } from '../../engine/io/node-files';
import { loadModel } from '../../engine/model/load';
import { encodeWeights } from '../../engine/run/export-weights';
import { encodeSafetensors, type TensorToWrite } from '../../engine/safetensors/encode';
import { Rng } from '../../engine/util/rng';
import { cli, hasStackTrace, makeFixture, MODULE, runArgs, streamTensors, Tally, withFlag, zsreRecords, type Fixture } from './harness';

interface Case {
  name: string;
  /** Argv for a fresh output path (a folder for run, a file for capture and replay). */
  argv: (out: string) => string[];
  exit: 0 | 1 | 2;
  /** What the message must name (for exit 0: the warning). */
  names: RegExp;
}

const tally = new Tally();
let f: Fixture;
let caseNo = 0;
const cases: { group: string; make: () => Case[] }[] = [];
const group = (name: string, make: () => Case[]) => cases.push({ group: name, make });

/** A file in the fixture folder with the given content. */
function file(name: string, content: string | Uint8Array): string {
  const p = join(f.dir, `${caseNo++}-${name}`);
  writeFileSync(p, content);
  return p;
}

/** A copy of the model folder with one file replaced. */
function modelWith(name: string, content: string | Uint8Array): string {
  const dir = join(f.dir, `model-${caseNo++}`);
  cpSync(f.model, dir, { recursive: true });
  writeFileSync(join(dir, name), content);
  return dir;
}

const rng = new Rng(12);

// ---- arguments ------------------------------------------------------------------------------
group('run flags with invalid values', () => {
  const bad: Record<string, string[]> = {
    'n-edits': ['-1', '0', '1.5', 'abc'],
    'sub-batch': ['-1', '0', '2.5'],
    turns: ['-3', '0', 'NaN'],
    'sample-size': ['0', 'x'],
    lr: ['-1e-3', '0', 'NaN', 'Infinity', '1e400', 'fast'],
    ridge: ['-5', '0', 'inf'],
    'checkpoint-every': ['-1', '0.5'],
    'sample-every': ['-2'],
    'warmup-turns': ['-1', 'two'],
    seed: ['1.5', 'x'],
    shuffle: ['0.5', 'y'],
    'warmup-split': ['0', '-3', 'half'],
    editor: ['rome', 'StableEdit'],
    'warmup-placement': ['middel'],
    'on-invalid': ['ignore'],
  };
  return Object.entries(bad).flatMap(([flag, values]) =>
    values.map((v) => ({
      name: `--${flag} ${v}`,
      argv: (out: string) => withFlag(runArgs(f, out), flag, v),
      exit: 2 as const,
      names: new RegExp(`--${flag}`),
    })),
  );
});

group('misspelt, stray and missing arguments', () => {
  const flags = ['model', 'data', 'editor', 'modules', 'n-edits', 'sub-batch', 'turns', 'ridge', 'checkpoint-every', 'out'];
  const misspell = (s: string) => {
    const i = 1 + rng.int(s.length - 2);
    return rng.int(2) === 0 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  };
  const out: Case[] = flags.map((flag) => {
    const wrong = misspell(flag);
    return {
      name: `--${wrong} for --${flag}`,
      argv: (o: string) => runArgs(f, o).map((a) => (a === `--${flag}` ? `--${wrong}` : a)),
      exit: 2,
      names: new RegExp(`unknown flag --${wrong}; did you mean --${flag}\\?`),
    };
  });
  out.push({
    name: '--lerning-rate',
    argv: (o) => [...runArgs(f, o), '--lerning-rate', '5'],
    exit: 2,
    names: /unknown flag --lerning-rate; did you mean --lr\?/,
  });
  for (let k = 0; k < 3; k++) {
    const at = 1 + rng.int(20);
    out.push({
      name: `stray positional at ${at}`,
      argv: (o) => {
        const a = runArgs(f, o);
        // after a flag's value, so the stray word is not taken as a value
        const i = a.findIndex((x, j) => j >= at && x.startsWith('--'));
        a.splice(i < 0 ? a.length : i, 0, 'stray');
        return a;
      },
      exit: 2,
      names: /unexpected argument "stray"/,
    });
  }
  for (const flag of ['model', 'data', 'editor', 'out', 'modules', 'lr', 'ridge', 'n-edits', 'sub-batch'])
    out.push({
      name: `without --${flag}`,
      argv: (o) => withFlag(runArgs(f, o), flag, null),
      exit: 2,
      names: new RegExp(`missing .*--${flag}`),
    });
  out.push({ name: 'value missing at the end', argv: (o) => [...runArgs(f, o), '--seed'], exit: 2, names: /--seed needs a value/ });
  out.push({ name: 'flag twice', argv: (o) => [...runArgs(f, o), '--lr', '1'], exit: 2, names: /--lr is given twice/ });
  out.push({ name: 'a value for a switch', argv: (o) => [...runArgs(f, o), '--restart=yes'], exit: 2, names: /--restart takes no value/ });
  out.push({
    name: 'warm-up turns without a source',
    argv: (o) => [...runArgs(f, o), '--warmup-turns', '1'],
    exit: 2,
    names: /--warmup-turns needs --warmup-data/,
  });
  out.push({
    name: 'unknown command flag of eval',
    argv: () => ['eval', '--model', f.model, '--data', f.data, '--nn', '2'],
    exit: 2,
    names: /--nn; did you mean --n\?/,
  });
  return out;
});

group('paths and settings that do not fit the data', () => [
  {
    name: '--data missing',
    argv: (o) => withFlag(runArgs(f, o), 'data', join(f.dir, 'nope.json')),
    exit: 1,
    names: /--data .*nope\.json: no such file/,
  },
  { name: '--data a folder', argv: (o) => withFlag(runArgs(f, o), 'data', f.dir), exit: 1, names: /--data .*: is a directory/ },
  {
    name: '--model missing',
    argv: (o) => withFlag(runArgs(f, o), 'model', join(f.dir, 'nomodel')),
    exit: 1,
    names: /--model .*nomodel: no such directory/,
  },
  { name: '--model a file', argv: (o) => withFlag(runArgs(f, o), 'model', f.data), exit: 1, names: /--model .*data\.json: is a file/ },
  {
    name: '--warmup-data missing',
    argv: (o) => [...runArgs(f, o), '--warmup-data', join(f.dir, 'nowarm.json'), '--warmup-turns', '1'],
    exit: 1,
    names: /--warmup-data .*nowarm\.json: no such file/,
  },
  {
    name: '--out an existing file',
    argv: (o) => withFlag(runArgs(f, o), 'out', f.data),
    exit: 1,
    names: /--out .*data\.json: is an existing file/,
  },
  {
    name: '--out under a file',
    argv: (o) => withFlag(runArgs(f, o), 'out', join(f.data, 'x')),
    exit: 1,
    names: /--out .*: cannot be created: .*data\.json is a file/,
  },
  {
    name: '--turns 500',
    argv: (o) => withFlag(runArgs(f, o), 'turns', '500'),
    exit: 1,
    names: /--turns 500 turns of 3 edits need 1500 records; the edit stream has 24/,
  },
  {
    name: '--n-edits 30',
    argv: (o) => withFlag(withFlag(runArgs(f, o), 'turns', null), 'n-edits', '30'),
    exit: 1,
    names: /--n-edits 1 turn of 30 edits needs 30 records; the edit stream has 24/,
  },
  {
    name: 'warm-up turns beyond the warm-up file',
    argv: (o) => [...runArgs(f, o), '--warmup-data', f.warmup, '--warmup-turns', '5'],
    exit: 1,
    names: /--warmup-turns 5 warm-up turns of 3 edits need 15 records; the warm-up source has 12/,
  },
  {
    name: '--warmup-split beyond the data',
    argv: (o) => [...runArgs(f, o), '--warmup-split', '40', '--warmup-turns', '1'],
    exit: 1,
    names: /--warmup-split 40: is more than the 24 records/,
  },
  {
    name: '--lr 1e30 (runs, with a warning)',
    argv: (o) => withFlag(withFlag(withFlag(runArgs(f, o), 'lr', '1e30'), 'turns', '2'), 'sample-every', '0'),
    exit: 0,
    names: /warning: step 0 \(target turn 0\), module model\.layers\.1\.mlp\.down_proj: the update's norm .* exceeds the weight's own/,
  },
  {
    name: '--ridge 1e300 (runs, with a warning: nothing is edited)',
    argv: (o) => withFlag(withFlag(withFlag(runArgs(f, o), 'ridge', '1e300'), 'turns', '2'), 'sample-every', '0'),
    exit: 0,
    names:
      /warning: step 0 \(target turn 0\): every ΔW is exactly 0, so nothing is edited — --ridge 1e\+300 is far too large .*lower --ridge/,
  },
  {
    name: 'a module the model does not have',
    argv: (o) => withFlag(runArgs(f, o), 'modules', 'model.layers.9.mlp.down_proj'),
    exit: 1,
    names: /--modules: 'model\.layers\.9\.mlp\.down_proj'/,
  },
]);

group('seeds that would collapse onto other seeds', () =>
  [
    ['seed', '1e300'],
    ['seed', '4294967296'],
    ['seed', '-1'],
    ['shuffle', '3e300'],
  ].map(([flag, v]) => ({
    name: `--${flag} ${v}`,
    argv: (o: string) => withFlag(runArgs(f, o), flag, v),
    exit: 2 as const,
    names: new RegExp(`--${flag} must be a whole number from 0 to 4294967295, got "${v}" \\(seeds are 32-bit`),
  })),
);

group('output names taken by folders, --stats-cache, MEMIT subjects', () => {
  const taken = (name: string) => (o: string) => {
    mkdirSync(join(o, name), { recursive: true });
    return runArgs(f, o);
  };
  const corpus = () => file('corpus.txt', 'The river runs past the town.\nA city has many streets.\n');
  const memit = (o: string, extra: string[] = []) => [
    ...withFlag(runArgs(f, o), 'editor', 'memit'),
    '--stats-corpus',
    corpus(),
    '--stats-cache',
    join(f.dir, 'stats'),
    ...extra,
  ];
  return [
    ...['.lock', 'checkpoint.bin', 'metrics.jsonl'].map((n) => ({
      name: `${n} a directory`,
      argv: taken(n),
      exit: 1 as const,
      names: new RegExp(
        `--out .*: .*/${n.replace('.', '\\.')} is a directory, and the lab writes a file under that name: move or remove it`,
      ),
    })),
    {
      name: '--stats-cache a file',
      argv: (o: string) => withFlag(memit(o), 'stats-cache', f.data),
      exit: 1,
      names: /--stats-cache .*data\.json: is an existing file; a folder is expected/,
    },
    {
      name: 'MEMIT on records without a subject: refused before any work',
      argv: (o: string) => memit(o),
      exit: 1,
      names: /--data .*data\.json: record 0: has no subject; MEMIT and AlphaEdit edit at the subject's last token/,
    },
  ];
});

// ---- datasets ---------------------------------------------------------------------------------
group('datasets', () => {
  const recs = () => zsreRecords(24);
  const json = (r: unknown) => JSON.stringify(r, null, 1);
  const out: Case[] = [];
  const dataCase = (name: string, make: () => string, names: RegExp, extra: string[] = [], exit: 0 | 1 = 1) =>
    out.push({ name, argv: (o) => [...withFlag(runArgs(f, o), 'data', make()), ...extra], exit, names });
  dataCase('empty .json', () => file('empty.json', ''), /empty\.json.*the file is empty/);
  dataCase('text in .json', () => file('text.json', 'these are my edits\nsome more\n'), /text\.json.*not JSON.*these are my edits/);
  dataCase(
    'binary .json',
    () =>
      file(
        'bin.json',
        Uint8Array.from({ length: 300 }, () => rng.int(256)),
      ),
    /bin\.json.*binary/,
  );
  dataCase(
    'UTF-16 with BOM',
    () => file('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json(recs()), 'utf16le')])),
    /utf16\.json.*UTF-16/,
  );
  dataCase(
    'nested arrays',
    () => file('nested.json', JSON.stringify(recs().map((r) => Object.values(r)))),
    /nested\.json: record 0 .*record is an array/,
  );
  dataCase('an object, not an array', () => file('object.json', JSON.stringify({ records: recs() })), /object\.json: record 0.*field/);
  for (let k = 0; k < 3; k++) {
    const text = json(recs());
    const cut = 50 + rng.int(text.length - 100);
    dataCase(
      `JSON truncated at byte ${cut}`,
      () => file(`cut${k}.json`, text.slice(0, cut)),
      /cut\d\.json: record \d+ \(line \d+\).*(truncated|invalid JSON)/,
    );
  }
  for (let k = 0; k < 3; k++) {
    const i = rng.int(24);
    const field = (['src', 'alt'] as const)[k % 2];
    dataCase(
      `record ${i} without ${field}`,
      () => {
        const r = recs();
        delete (r[i] as Record<string, unknown>)[field];
        return file(`missing${k}.json`, json(r));
      },
      new RegExp(`missing\\d\\.json: record ${i} \\(line \\d+\\), field .*${field}`),
    );
  }
  const wrongType = rng.int(24);
  dataCase(
    `record ${wrongType} with a number prompt`,
    () => {
      const r = recs() as Record<string, unknown>[];
      r[wrongType].src = 42;
      return file('number.json', json(r));
    },
    new RegExp(`number\\.json: record ${wrongType} \\(line \\d+\\), field src`),
  );
  const long = 2 + rng.int(10);
  const longFile = () => {
    const r = recs();
    r[long].src = 'Where does the person who lives near the old river bridge and the market square live? '.repeat(3);
    return file('long.json', json(r));
  };
  dataCase(
    `over-long record ${long}`,
    longFile,
    new RegExp(`long\\.json: record ${long} \\(line \\d+\\), field prompt: is \\d+ tokens long.*at most 48 positions`),
  );
  dataCase(
    `over-long record ${long}, skipped`,
    longFile,
    /warning: .*long\.json: skipped 1 invalid records.*record \d+/,
    ['--on-invalid', 'skip'],
    0,
  );
  const badLine = rng.int(24);
  dataCase(
    `JSONL line ${badLine + 1} broken`,
    () => {
      const lines = readFileSync(f.dataJsonl, 'utf8').split('\n');
      lines[badLine] = lines[badLine].slice(0, 20);
      return file('broken.jsonl', lines.join('\n'));
    },
    new RegExp(`broken\\.jsonl: record ${badLine} \\(line ${badLine + 1}\\)`),
  );
  dataCase(
    'CSV with an unterminated quote',
    () => file('quote.csv', readFileSync(f.dataCsv, 'utf8').replace('"City3"', '"City3')),
    /quote\.csv: record \d+ \(line \d+\)/,
  );
  dataCase('CSV without the answer column', () => file('nocol.csv', 'src,rephrase\n"a?","b?"\n'), /nocol\.csv: record 0 \(line \d+\)/);
  dataCase('no valid record at all', () => file('allbad.json', json(recs().map(() => ({ src: 1, alt: 2 })))), /allbad\.json: record 0/);
  return out;
});

// ---- model folders (through eval: it loads the model and the data, nothing else) ---------------
group('model folders', () => {
  const out: Case[] = [];
  const ev = (model: () => string) => (_: string) => ['eval', '--model', model(), '--data', f.data, '--n', '4'];
  const modelCase = (name: string, file: string, content: () => string | Uint8Array, names: RegExp) =>
    out.push({ name, argv: ev(() => modelWith(file, content())), exit: 1, names });
  const config = () => JSON.parse(readFileSync(join(f.model, 'config.json'), 'utf8'));
  const st = () => readFileSync(join(f.model, 'model.safetensors'));
  modelCase('config.json empty', 'config.json', () => '', /config\.json/);
  modelCase('config.json not JSON', 'config.json', () => 'model_type: llama', /config\.json/);
  modelCase(
    'config.json without hidden_size',
    'config.json',
    () => JSON.stringify({ ...config(), hidden_size: undefined }),
    /config\.json.*hidden_size/,
  );
  modelCase(
    'config.json with hidden_size "16"',
    'config.json',
    () => JSON.stringify({ ...config(), hidden_size: '16' }),
    /config\.json.*hidden_size/,
  );
  modelCase(
    'config.json of another architecture',
    'config.json',
    () => JSON.stringify({ ...config(), model_type: 'bert' }),
    /config\.json.*bert/,
  );
  modelCase(
    'config.json with more layers',
    'config.json',
    () => JSON.stringify({ ...config(), num_hidden_layers: 3 }),
    /tensor 'model\.layers\.2\..*missing/,
  );
  modelCase('model.safetensors empty', 'model.safetensors', () => '', /model\.safetensors/);
  modelCase('model.safetensors 10 bytes', 'model.safetensors', () => st().subarray(0, 10), /model\.safetensors/);
  modelCase('model.safetensors cut in half', 'model.safetensors', () => st().subarray(0, st().length >> 1), /model\.safetensors/);
  modelCase(
    'model.safetensors random bytes',
    'model.safetensors',
    () => Uint8Array.from({ length: 4000 }, () => rng.int(256)),
    /model\.safetensors/,
  );
  modelCase(
    'model.safetensors header bytes flipped',
    'model.safetensors',
    () => {
      const b = Uint8Array.from(st());
      for (const i of [12, 40, 77]) b[i] ^= 0x5a;
      return b;
    },
    /model\.safetensors/,
  );
  modelCase('tokenizer.json empty', 'tokenizer.json', () => '', /tokenizer\.json/);
  modelCase('tokenizer.json not JSON', 'tokenizer.json', () => '{"model": ', /tokenizer\.json/);
  modelCase('tokenizer_config.json not JSON', 'tokenizer_config.json', () => '{,}', /tokenizer_config\.json/);
  for (const bad of [NaN, Infinity]) {
    out.push({
      name: `a ${bad} weight`,
      argv: (o) => withFlag(runArgs(f, o), 'model', join(f.dir, `model-${bad}`)),
      exit: 1,
      names: new RegExp(`model\\.safetensors: tensor '${MODULE.replace(/\./g, '\\.')}\\.weight': holds a non-finite value \\(${bad}`),
    });
  }
  out.push({
    name: 'config.json with fewer layers than the weights',
    argv: ev(() => modelWith('config.json', JSON.stringify({ ...config(), num_hidden_layers: 1 }))),
    exit: 0,
    names: /warning: --model .*: \d+ tensors are not used by config\.json \(model\.layers\.1\./,
  });
  return out;
});

// ---- capture and replay -----------------------------------------------------------------------
group('capture', () => [
  {
    name: 'capture --out a folder',
    argv: () => [
      'capture',
      '--model',
      f.model,
      '--data',
      f.data,
      '--modules',
      MODULE,
      '--n-edits',
      '2',
      '--sub-batch',
      '1',
      '--out',
      f.dir,
    ],
    exit: 1,
    names: /--out .*: is a directory/,
  },
  {
    name: 'capture more records than the data has',
    argv: (o) => ['capture', '--model', f.model, '--data', f.data, '--modules', MODULE, '--n-edits', '30', '--sub-batch', '5', '--out', o],
    exit: 1,
    names: /data\.json: has 24 valid records; 30 were asked for/,
  },
  {
    name: 'capture --n-edits 0',
    argv: (o) => ['capture', '--model', f.model, '--data', f.data, '--modules', MODULE, '--n-edits', '0', '--sub-batch', '5', '--out', o],
    exit: 2,
    names: /--n-edits/,
  },
]);

const SHAPES = [
  { module: 'model.layers.1.mlp.down_proj', dIn: 12, dOut: 5 },
  { module: 'model.layers.2.mlp.down_proj', dIn: 12, dOut: 5 },
];

/** A captured stream of 4 turns × 2 sub-batches, with `edit` applied to its tensors. */
function stream(name: string, edit: (t: Record<string, TensorToWrite>) => void = () => undefined): string {
  const tensors = streamTensors(SHAPES, 5, 4, [3, 4]);
  edit(tensors);
  return file(name, encodeSafetensors(tensors));
}

group('replay', () => {
  const rp =
    (input: () => string, extra: string[] = []) =>
    (o: string) => ['replay', '--in', input(), '--editor', 'stableedit', '--lr', '0.1', '--ridge', '10', '--out', o, ...extra];
  const m = SHAPES[0].module;
  const reshape = (t: Record<string, TensorToWrite>, name: string, dIn: number) => {
    const rows = t[name].shape[0];
    t[name] = { dtype: 'F32', shape: [rows, dIn], data: new Float32Array(rows * dIn).fill(0.1) };
  };
  const ok = () => stream('ok.safetensors');
  return [
    {
      name: 'd_in changes at turn 2',
      argv: rp(() =>
        stream('din.safetensors', (t) => {
          reshape(t, `t2.sb0.${m}.keys`, 7);
          reshape(t, `t2.sb1.${m}.keys`, 7);
        }),
      ),
      exit: 1,
      names: new RegExp(`t2\\.sb0 module ${m.replace(/\./g, '\\.')}: d_in 7, earlier 12`),
    },
    {
      name: 'd_out changes at turn 3',
      argv: rp(() => stream('dout.safetensors', (t) => reshape(t, `t3.sb1.${m}.grads`, 9))),
      exit: 1,
      names: /t3\.sb1 module .*: d_out 9, earlier 5/,
    },
    {
      name: 'a module missing from one sub-batch',
      argv: rp(() =>
        stream('nomod.safetensors', (t) => {
          delete t[`t1.sb1.${m}.keys`];
          delete t[`t1.sb1.${m}.grads`];
        }),
      ),
      exit: 1,
      names: /t1\.sb1: has no tensors for module model\.layers\.1/,
    },
    {
      name: 'grads missing',
      argv: rp(() => stream('nograds.safetensors', (t) => delete t[`t0.sb1.${m}.grads`])),
      exit: 1,
      names: /t0\.sb1\..*\.grads is missing/,
    },
    {
      name: 'keys of rank 3',
      argv: rp(() => stream('rank.safetensors', (t) => (t[`t0.sb0.${m}.keys`] = { ...t[`t0.sb0.${m}.keys`], shape: [3, 12, 1] }))),
      exit: 1,
      names: /t0\.sb0\..*keys.*shape/,
    },
    {
      name: 'stream of random bytes',
      argv: rp(() =>
        file(
          'rand.safetensors',
          Uint8Array.from({ length: 500 }, () => rng.int(256)),
        ),
      ),
      exit: 1,
      names: /rand\.safetensors/,
    },
    { name: 'empty stream', argv: rp(() => file('empty.safetensors', '')), exit: 1, names: /empty\.safetensors/ },
    {
      name: 'truncated stream',
      argv: rp(() => {
        const p = ok();
        const b = readFileSync(p);
        return file('trunc.safetensors', b.subarray(0, b.length - 100));
      }),
      exit: 1,
      names: /trunc\.safetensors/,
    },
    {
      name: 'a safetensors file without a stream',
      argv: rp(() => join(f.model, 'model.safetensors')),
      exit: 1,
      names: /no tensors named t\{t\}/,
    },
    {
      name: '--out equal to --in',
      argv: () => {
        const p = ok();
        return rp(() => p)(p);
      },
      exit: 2,
      names: /would overwrite the input stream/,
    },
    { name: '--in a folder', argv: rp(() => f.dir), exit: 1, names: /--in .*: is a directory/ },
    { name: '--out a folder', argv: () => rp(ok)(f.dir), exit: 1, names: /--out .*: is a directory/ },
    {
      name: '--in missing',
      argv: rp(() => join(f.dir, 'nostream.safetensors')),
      exit: 1,
      names: /--in .*nostream\.safetensors: no such file/,
    },
    { name: 'replay --lr -1', argv: (o) => withFlag(rp(ok)(o), 'lr', '-1'), exit: 2, names: /--lr must be a positive number/ },
    { name: 'replay --ridge 0', argv: (o) => withFlag(rp(ok)(o), 'ridge', '0'), exit: 2, names: /--ridge must be a positive number/ },
    {
      name: 'replay --warmup-turns 99 on 4 turns',
      argv: rp(ok, ['--warmup-turns', '99']),
      exit: 1,
      names: /--warmup-turns 99: is more than the 4 turns/,
    },
    { name: 'replay --editor rome', argv: (o) => withFlag(rp(ok)(o), 'editor', 'rome'), exit: 2, names: /--editor must be one of/ },
    { name: 'replay --solve both', argv: rp(ok, ['--solve', 'both']), exit: 2, names: /--solve must be one of dual, primal/ },
    {
      name: 'keys of rank 1',
      argv: rp(() =>
        stream('rank1.safetensors', (t) => (t[`t0.sb0.${m}.keys`] = { dtype: 'F32', shape: [12], data: new Float32Array(12).fill(0.1) })),
      ),
      exit: 1,
      names: /t0\.sb0\.model\.layers\.1\.mlp\.down_proj\.keys: has shape \[12\]; keys are one row per label position: \[N, d_in\]/,
    },
    {
      name: 'modules with different row counts in one sub-batch',
      argv: rp(() =>
        stream('rows.safetensors', (t) => {
          const m2 = SHAPES[1].module;
          t[`t1.sb0.${m2}.keys`] = { dtype: 'F32', shape: [2, 12], data: new Float32Array(24).fill(0.1) };
          t[`t1.sb0.${m2}.grads`] = { dtype: 'F32', shape: [2, 5], data: new Float32Array(10).fill(0.1) };
        }),
      ),
      exit: 1,
      names: /t1\.sb0: module .* has \d rows but .* has \d; the modules of one sub-batch are captured at the same label positions/,
    },
    {
      name: 'a loss of shape [2]',
      argv: rp(() => stream('loss2.safetensors', (t) => (t['t0.sb0.loss'] = { dtype: 'F32', shape: [2], data: [1.5, 2.5] }))),
      exit: 1,
      names: /t0\.sb0\.loss: has shape \[2\]; a sub-batch's loss is one value, shape \[1\]/,
    },
    {
      name: 'NIW prior flags for stableedit',
      argv: rp(ok, ['--niw-kappa0', '2']),
      exit: 2,
      names: /--niw-kappa0 is a setting of --editor stableedit-niw \(its prior\), not stableedit/,
    },
    {
      name: 'replay --ridge 1e300 (runs, with a warning)',
      argv: (o) => withFlag(rp(ok)(o), 'ridge', '1e300'),
      exit: 0,
      names: /warning: .*ok\.safetensors: turn 0: every ΔW is exactly 0, so nothing is edited/,
    },
  ];
});

// ---- the cases --------------------------------------------------------------------------------
beforeAll(async () => {
  f = await makeFixture();
  // NaN and Inf in the edited module's weight, written as a checkpoint would be.
  const loaded = await loadModel(nodeFolder(f.model));
  for (const bad of [NaN, Infinity]) {
    const dir = join(f.dir, `model-${bad}`);
    cpSync(f.model, dir, { recursive: true });
    const w = new Map(loaded.weights);
    const t = w.get(`${MODULE}.weight`)!;
    const data = t.data.slice();
    data[7] = bad;
    w.set(`${MODULE}.weight`, { shape: t.shape, data });
    writeFileSync(join(dir, 'model.safetensors'), encodeWeights(w, loaded.sourceNames));
  }
});

afterAll(() => {
  console.log(tally.summary('fault suite, bad input'));
});

describe('fault suite: bad input', () => {
  it('--debug adds the stack trace to the same message', async () => {
    const r = await cli(['eval', '--model', f.model, '--data', join(f.dir, 'none.json'), '--debug']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^eval: error: --data .*none\.json: no such file\n/);
    expect(hasStackTrace(r.stderr)).toBe(true);
  });

  for (const g of cases)
    describe(g.group, () => {
      // Cases are generated when the group runs (the fixture exists by then), one test per group.
      it('each case: exit code, a message naming the place, no stack trace, no output left', async () => {
        const failures: string[] = [];
        for (const c of g.make()) {
          tally.tried++;
          const outDir = join(f.dir, `out-${caseNo++}`);
          const isRun = (a: string[]) => a[0] === 'run';
          let argv = c.argv(outDir);
          if (!isRun(argv) && argv[0] !== 'eval') {
            mkdirSync(outDir, { recursive: true });
            argv = argv.map((a, i) => (argv[i - 1] === '--out' && a === outDir ? join(outDir, 'o.safetensors') : a));
          }
          const r = await cli(argv);
          const stack = hasStackTrace(r.stderr) || hasStackTrace(r.stdout);
          if (stack) tally.stackTraces++;
          if (r.code === 0 && c.exit !== 0) tally.silentAcceptances++;
          const clear = r.code === c.exit && c.names.test(r.stderr) && !/unexpected error inside the lab/.test(r.stderr);
          if (clear && !stack) c.exit === 0 ? tally.warnedAndRan++ : tally.clearErrors++;
          else if (!stack && r.code !== 0) tally.unclear++;
          // Nothing under a final output name after a failure.
          const leftovers =
            c.exit === 0
              ? []
              : ['report.json', 'edited.safetensors', 'o.safetensors', 'o.diagnostics.json'].filter((n) => existsSync(join(outDir, n)));
          // A refused run leaves no empty --out behind.
          if (c.exit !== 0 && isRun(argv) && existsSync(outDir) && readdirSync(outDir).length === 0) leftovers.push('an empty --out');
          if (leftovers.length) tally.corruptOutputs++;
          if (!clear || stack || leftovers.length)
            failures.push(`${c.name}: exit ${r.code} (want ${c.exit}), stderr: ${r.stderr.slice(0, 600)}; left: ${leftovers.join(', ')}`);
        }
        expect(failures).toEqual([]);
      });
    });
});
