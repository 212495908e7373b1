/**
 * Debian's Vulkan loader (package libvulkan1) for the kit: `apt-get download` fetches the .deb (no
 * install, no root), `dpkg-deb -x` unpacks it, and libvulkan.so.1 with its copyright file is what the
 * kit ships (Dawn dlopens libvulkan.so.1; a GPU machine with only a driver often lacks it). Cached
 * under node_modules/.cache/gpu-kit, so a rebuild needs no network.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** Copies libvulkan.so.1 and its copyright into `libDir`; returns the package file it came from. */
export function vulkanLoader(cacheDir: string, libDir: string): string {
  mkdirSync(cacheDir, { recursive: true });
  let deb = readdirSync(cacheDir).find((f) => /^libvulkan1_.*_amd64\.deb$/.test(f));
  if (!deb) {
    try {
      run('apt-get', ['download', 'libvulkan1:amd64'], cacheDir);
    } catch (e) {
      const why = ((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim().split('\n').pop();
      throw new Error(
        `gpu-kit: Debian's Vulkan loader is needed and \`apt-get download libvulkan1:amd64\` failed (${why}); ` +
          `run it on a Debian/Ubuntu machine with its package lists (apt-get update), or put a libvulkan1_*_amd64.deb in ${cacheDir}`,
      );
    }
    deb = readdirSync(cacheDir).find((f) => /^libvulkan1_.*_amd64\.deb$/.test(f));
    if (!deb) throw new Error(`gpu-kit: apt-get download libvulkan1 left no libvulkan1_*_amd64.deb in ${cacheDir}`);
  }
  const x = mkdtempSync(join(tmpdir(), 'gpu-kit-vulkan-'));
  try {
    run('dpkg-deb', ['-x', join(cacheDir, deb), x], cacheDir);
    const so = join(x, 'usr/lib/x86_64-linux-gnu/libvulkan.so.1');
    if (!existsSync(so)) throw new Error(`gpu-kit: ${deb} holds no usr/lib/x86_64-linux-gnu/libvulkan.so.1`);
    mkdirSync(libDir, { recursive: true });
    copyFileSync(realpathSync(so), join(libDir, 'libvulkan.so.1'));
    const copyright = join(x, 'usr/share/doc/libvulkan1/copyright');
    if (existsSync(copyright)) copyFileSync(copyright, join(libDir, 'libvulkan1.copyright'));
  } finally {
    rmSync(x, { recursive: true, force: true });
  }
  return deb;
}
