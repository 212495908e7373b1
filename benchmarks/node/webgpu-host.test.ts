/**
 * `npm run bench -- --backend webgpu` keeps the CLI's adapter rule (webgpu-host.ts through
 * src/cli/gpu.ts): a software adapter is refused unless `--allow-software-adapter`, saying which
 * adapter it is; with it the table's label names the adapter as software. On Dawn + SwiftShader.
 */
import { describe, expect, it } from 'vitest';
import { dawnSkipReason } from '../../src/engine/gpu/swiftshader';
import { webGpuHost } from './webgpu-host';

const skip = dawnSkipReason();

describe.skipIf(skip !== null)(`bench --backend webgpu on Dawn${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('without --backend webgpu: the CPU host, untouched', async () => {
    expect(await webGpuHost(['--profile', 'tiny'])).toBeNull();
  });

  it('refuses the software adapter unless asked for; with it, the label says software', { timeout: 60_000 }, async () => {
    await expect(webGpuHost(['--backend', 'webgpu'])).rejects.toThrow(
      /the only WebGPU adapter is a software one \(google · swiftshader\).*--allow-software-adapter/,
    );
    await expect(webGpuHost(['--backend', 'webgpu', '--allow-software-adapter', '--editor-math', 'fast'])).rejects.toThrow(
      /--editor-math must be auto, gpu or cpu \(got fast\)/,
    );
    const host = (await webGpuHost(['--backend', 'webgpu', '--allow-software-adapter']))!;
    expect(host.backendLabel).toBe('webgpu on google · swiftshader (software adapter)');
    const exec = await host.newExecutor();
    expect(exec.backend).toBe('webgpu');
    await exec.dispose();
    host.gpu.device.destroy();
  });
});
