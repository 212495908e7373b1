import { WANTED_FEATURES, WANTED_LIMITS } from '../engine/gpu/device';
import { formatLimit } from './format';
import { useLabStore } from './store';
import { Panel } from './panels/panel';

const FALLBACK_HELP: Record<string, string> = {
  'no-navigator-gpu':
    'This browser does not offer WebGPU. Use a recent Chrome or Edge (113+) on desktop, or enable WebGPU in your browser’s flags.',
  'insecure-context': 'WebGPU only works on secure pages: open the lab over https:// or http://localhost.',
  'no-adapter': 'WebGPU is there but offered no GPU adapter (the GPU may be blocklisted or hardware acceleration is off).',
  'device-request-failed': 'The GPU adapter refused to create a device with the requested limits.',
};

export function DevicePanel() {
  const device = useLabStore((s) => s.device);
  const worker = useLabStore((s) => s.worker);
  const gpuErrors = useLabStore((s) => s.gpuErrors);
  const failures = useLabStore((s) => s.failures);

  return (
    <Panel title="Device" headingId="device-h" open={false} data-testid="device-panel" data-status={device.status}>
      <p className="muted">
        Engine worker: {worker.ready ? `running (protocol v${worker.protocolVersion})` : 'starting…'}
        {worker.ready && ` · cross-origin isolated: ${worker.crossOriginIsolated ? 'yes' : 'no (wasm threads unavailable)'}`}
      </p>
      {worker.error && (
        <div className="notice" data-testid="worker-error">
          <strong>The engine worker failed:</strong> {worker.error}
        </div>
      )}
      {device.status === 'starting' && !worker.error && <p>Requesting a WebGPU device…</p>}
      {device.status === 'unavailable' && (
        <div className="notice" data-testid="webgpu-unavailable">
          <strong>WebGPU is not available.</strong> {device.message}
          <p>{FALLBACK_HELP[device.reason]}</p>
          <p>The lab will use the CPU instead: models run with onnxruntime-web’s WebAssembly backend — same results, slower.</p>
        </div>
      )}
      {device.status === 'lost' && (
        <div className="notice" data-testid="device-lost">
          <strong>The GPU device was lost.</strong> {device.message || 'No reason given.'} Reload the page to request a new one.
        </div>
      )}
      {(device.status === 'ready' || (device.status === 'lost' && device.info)) && (
        <DeviceDetails info={device.status === 'ready' ? device.info : device.info!} />
      )}
      {gpuErrors.length > 0 && (
        <div className="notice" data-testid="gpu-errors">
          <strong>GPU errors</strong>
          <ul>
            {gpuErrors.map((e, i) => (
              <li key={i}>
                {e.kind}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {failures.length > 0 && (
        <ul className="notice">
          {failures.map((f, i) => (
            <li key={i}>
              {f.command} failed: {f.message}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function DeviceDetails({ info }: { info: import('../protocol/messages').GpuDeviceInfo }) {
  const a = info.adapter;
  const others = Object.keys(info.limits)
    .filter((k) => !(WANTED_LIMITS as readonly string[]).includes(k))
    .sort();
  return (
    <div data-testid="device-details">
      <dl className="kv">
        <dt>Adapter</dt>
        <dd data-testid="adapter">
          {[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' · ') || 'unnamed adapter'}
          {a.isFallbackAdapter && ' (software fallback adapter)'}
        </dd>
        <dt>Features</dt>
        <dd data-testid="features">
          {WANTED_FEATURES.map((f) => (
            <span key={f} className={info.features.includes(f) ? 'tag on' : 'tag off'}>
              {f} {info.features.includes(f) ? '✓' : '✗'}
            </span>
          ))}
        </dd>
      </dl>
      <table className="limits" data-testid="limits">
        <tbody>
          {WANTED_LIMITS.filter((k) => k in info.limits).map((k) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{formatLimit(k, info.limits[k])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>
          All limits ({Object.keys(info.limits).length}) and adapter features ({info.adapterFeatures.length})
        </summary>
        <table className="limits">
          <tbody>
            {others.map((k) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{formatLimit(k, info.limits[k])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">{info.adapterFeatures.join(', ')}</p>
      </details>
    </div>
  );
}
