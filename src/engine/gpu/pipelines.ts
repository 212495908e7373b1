/**
 * Compute pipelines compiled once per (shader, entry point, override constants). Compilation
 * messages of type 'error' and pipeline-creation failures become GpuShaderError naming the shader
 * file and the offending line:column.
 */
import { GpuShaderError } from './errors';
import type { ShaderSources } from './shader-sources';

export type OverrideConstants = Record<string, number | boolean>;

export interface PipelineRequest {
  shader: string;
  entry?: string;
  constants?: OverrideConstants;
}

export function pipelineKey(r: PipelineRequest): string {
  const consts = Object.entries(r.constants ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${Number(v)}`)
    .join(',');
  return `${r.shader}#${r.entry ?? 'main'}{${consts}}`;
}

export class PipelineCache {
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private readonly modules = new Map<string, Promise<GPUShaderModule>>();

  constructor(
    private readonly device: GPUDevice,
    private readonly sources: ShaderSources,
  ) {}

  get(r: PipelineRequest): Promise<GPUComputePipeline> {
    const key = pipelineKey(r);
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.create(r, key);
      this.pipelines.set(key, p);
      p.catch(() => this.pipelines.delete(key));
    }
    return p;
  }

  get size(): number {
    return this.pipelines.size;
  }

  private module(shader: string): Promise<GPUShaderModule> {
    let m = this.modules.get(shader);
    if (!m) {
      m = this.compile(shader);
      this.modules.set(shader, m);
      m.catch(() => this.modules.delete(shader));
    }
    return m;
  }

  private async compile(shader: string): Promise<GPUShaderModule> {
    let code: string;
    try {
      code = this.sources(shader);
    } catch (e) {
      throw new GpuShaderError(shader, (e as Error).message);
    }
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: shader, code });
    const info = await module.getCompilationInfo();
    const scoped = await this.device.popErrorScope();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length)
      throw new GpuShaderError(shader, errors.map((m) => `${shader}.wgsl:${m.lineNum}:${m.linePos}: ${m.message}`).join('\n'));
    if (scoped) throw new GpuShaderError(shader, scoped.message);
    return module;
  }

  private async create(r: PipelineRequest, key: string): Promise<GPUComputePipeline> {
    const module = await this.module(r.shader);
    try {
      return await this.device.createComputePipelineAsync({
        label: key,
        layout: 'auto',
        compute: { module, entryPoint: r.entry ?? 'main', constants: numericConstants(r.constants) },
      });
    } catch (e) {
      throw new GpuShaderError(r.shader, `pipeline for entry '${r.entry ?? 'main'}' failed: ${(e as Error).message}`);
    }
  }
}

function numericConstants(c: OverrideConstants | undefined): Record<string, number> | undefined {
  if (!c) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) out[k] = Number(v);
  return out;
}
