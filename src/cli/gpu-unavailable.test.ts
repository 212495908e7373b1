/**
 * What `--backend webgpu` says when Dawn cannot start (docs/design.md §4): a missing dawn.node, a
 * missing Vulkan loader, no Vulkan driver, or drivers that give no adapter — each one line that says
 * what to install, never a stack trace (the CLI's exit status 1). vulkanDiagnosis is read against
 * folders made here, so each case is exercised wherever the suite runs.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, ROOT } from './faults/harness';
import { vulkanDiagnosis, vulkanLoaderFound } from '../engine/gpu/node-gpu';

const dir = mkdtempSync(join(tmpdir(), 'se-vulkan-'));
const loaderDir = join(dir, 'lib');
const icd = join(dir, 'fake_icd.json');
mkdirSync(loaderDir);
writeFileSync(join(loaderDir, 'libvulkan.so.1'), ''); // the diagnosis looks for the file, and loads nothing
writeFileSync(icd, '{"file_format_version": "1.0.0", "ICD": {"library_path": "libnothing.so", "api_version": "1.1.0"}}');
// The system's own library folders are searched too: only where they hold no loader can "none found" be seen.
const systemLoader = vulkanLoaderFound({ LD_LIBRARY_PATH: '' });

/** The CLI as a child process (stdout, stderr, exit status), with extra Node flags and environment. */
function cliChild(nodeArgs: string[], argv: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin/stableedit-lab.mjs'), ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const replayArgs = (backendFlags: string[]) => [
  'replay',
  '--in',
  join(ROOT, 'package.json'), // never read: the device comes first
  '--editor',
  'stableedit',
  '--lr',
  '0.1',
  '--ridge',
  '10',
  '--out',
  join(mkdtempSync(join(tmpdir(), 'se-nodawn-')), 'D.safetensors'),
  ...backendFlags,
];

describe.skipIf(process.platform !== 'linux')('what to install when Dawn finds no GPU (Linux, Vulkan)', () => {
  it.skipIf(systemLoader)(
    `no Vulkan loader: says to install libvulkan1${systemLoader ? ' (skipped: this system has libvulkan.so.1)' : ''}`,
    () => {
      expect(vulkanDiagnosis({ LD_LIBRARY_PATH: join(dir, 'empty') })).toMatch(
        /the Vulkan loader libvulkan\.so\.1 was not found: install it \(`apt-get install libvulkan1` on Debian\/Ubuntu\) or put its folder on LD_LIBRARY_PATH/,
      );
    },
  );

  it('a loader but no driver: says which driver to install, naming where it looked', () => {
    const missing = join(dir, 'nvidia_icd.json');
    expect(vulkanDiagnosis({ LD_LIBRARY_PATH: loaderDir, VK_ICD_FILENAMES: missing })).toMatch(
      new RegExp(
        `no Vulkan driver \\(ICD manifest\\) was found at VK_ICD_FILENAMES=${missing}: install the GPU driver with its Vulkan part \\(NVIDIA: .*nvidia_icd\\.json; Mesa: \`apt-get install mesa-vulkan-drivers\`\\)`,
      ),
    );
  });

  it('a driver that gives no adapter: names the driver', () => {
    expect(vulkanDiagnosis({ LD_LIBRARY_PATH: loaderDir, VK_ICD_FILENAMES: icd })).toBe(
      `Vulkan found the drivers ${icd} but none gave an adapter (a driver too old for Vulkan 1.1, or no device it can use)`,
    );
  });

  it('the CLI with no usable Vulkan driver: one line saying what to install, exit status 1, no trace', { timeout: 120_000 }, async () => {
    const r = await cliChild([], replayArgs(['--backend', 'webgpu', '--allow-software-adapter']), {
      VK_ICD_FILENAMES: join(dir, 'nvidia_icd.json'),
      VK_DRIVER_FILES: join(dir, 'nvidia_icd.json'),
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /--backend webgpu: Dawn offered no WebGPU adapter: .*(install it \(`apt-get install libvulkan1`|install the GPU driver with its Vulkan part)/,
    );
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('the CLI without dawn.node: says to install the webgpu package, exit status 1, no trace', { timeout: 120_000 }, async () => {
    const r = await cliChild(['--import', join(ROOT, 'src/cli/fixtures/no-dawn.mjs')], replayArgs(['--backend', 'webgpu']), {});
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /--backend webgpu needs Dawn's Node binding, which did not load \(Cannot find package 'webgpu'.*\)\. Install it with `npm install webgpu@0\.6\.2`/,
    );
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
