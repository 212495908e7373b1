/**
 * Errors the WebGPU harness throws. Each names what failed (shader, entry point, kernel label) so a
 * message from deep inside a run still says where it came from.
 */
export class WebGpuUnavailableError extends Error {
  constructor(
    readonly reason: 'no-navigator-gpu' | 'insecure-context' | 'no-adapter' | 'device-request-failed',
    message: string,
  ) {
    super(message);
    this.name = 'WebGpuUnavailableError';
  }
}

/** WGSL compilation or pipeline-creation failure; `shader` is the file name under shaders/. */
export class GpuShaderError extends Error {
  constructor(
    readonly shader: string,
    message: string,
  ) {
    super(`shader ${shader}: ${message}`);
    this.name = 'GpuShaderError';
  }
}

/** A validation / out-of-memory / internal error caught by an error scope around `label`'s GPU work. */
export class GpuValidationError extends Error {
  constructor(
    readonly label: string,
    readonly kind: string,
    message: string,
  ) {
    super(`${label}: ${kind} error: ${message}`);
    this.name = 'GpuValidationError';
  }
}
