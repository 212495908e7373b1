/** Choose and load a model: the demo, a known-good Hub model, any Hub repo, or a local folder. */
import { useState } from 'react';
import { KNOWN_MODELS } from '../../engine/model/presets';
import { sendCommand } from '../engine-client';
import { formatBytes, formatCount, formatDuration } from '../format';
import { modelLoad, useSettings } from '../lab-settings';
import { useLabStore } from '../store';
import { ErrorNote, Progress } from './error-note';
import { Panel } from './panel';
import { PresetNote } from './preset-note';

const TOKEN_KEY = 'stableedit-lab.hf-token';

export function ModelPanel() {
  const model = useLabStore((s) => s.model);
  const backend = useSettings((s) => s.form.backend);
  const threads = useSettings((s) => s.form.threads);
  const setSettings = useSettings((s) => s.set);
  const [repo, setRepo] = useState('');
  const [revision, setRevision] = useState('main');
  const [token, setToken] = useState(() => (typeof localStorage !== 'undefined' ? (localStorage.getItem(TOKEN_KEY) ?? '') : ''));
  const [remember, setRemember] = useState(() => typeof localStorage !== 'undefined' && localStorage.getItem(TOKEN_KEY) !== null);
  const loading = model.status === 'loading';

  const loadHub = (r: string) => {
    if (remember && token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
    sendCommand(modelLoad({ kind: 'hub', repo: r, revision: revision || 'main', token: token || undefined }));
  };
  const loadFiles = (files: FileList | File[] | null) => {
    if (!files || files.length === 0) return;
    sendCommand(modelLoad({ kind: 'files', files: Array.from(files) }));
  };

  return (
    <Panel title="Model" headingId="model-h" data-testid="model-panel" data-status={model.status}>
      <div className="row">
        <button type="button" disabled={loading} onClick={() => sendCommand(modelLoad({ kind: 'demo' }))}>
          Load the built-in demo model
        </button>
        <label>
          backend{' '}
          <select value={backend} onChange={(e) => setSettings({ backend: e.target.value as typeof backend })} data-testid="backend">
            <option value="auto">auto (WebGPU, else CPU)</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">CPU (wasm)</option>
          </select>
        </label>
        <label title="Threads of the CPU backend; fixed when the page first runs a model on the CPU">
          CPU threads{' '}
          <select value={threads} onChange={(e) => setSettings({ threads: e.target.value })} data-testid="wasm-threads">
            <option value="">auto</option>
            {threadChoices(threads).map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      <details>
        <summary>Load another model: a Hub repo or a local folder</summary>
        <h3>Known-good Hub models</h3>
        <ul className="plain">
          {KNOWN_MODELS.map((m) => {
            // No size is refused for the device's buffer limit: a table larger than one buffer runs in row blocks.
            const { total, weights, editor, activations } = m.gpu;
            const total16 = m.gpu16.total;
            return (
              <li key={m.repo}>
                <button type="button" disabled={loading} onClick={() => loadHub(m.repo)}>
                  {m.repo}
                </button>{' '}
                <span className="muted">
                  {m.arch}, {formatCount(m.params)} params, needs ≈{formatBytes(total)} of GPU memory
                  {total16 < total && ` (≈${formatBytes(total16)} where the GPU has shader-f16: frozen weights in 16 bits)`}
                  <span title="fp32 weights; the GPU editor's buffers for the preset's layers; one sub-batch of 10 edits, from the model's config">
                    {' '}
                    (weights {formatBytes(weights)}, editing {formatBytes(editor)}, activations {formatBytes(activations)})
                  </span>
                </span>
              </li>
            );
          })}
        </ul>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            loadHub(repo);
          }}
        >
          <label>
            Hub repo <input value={repo} onChange={(e) => setRepo(e.target.value)} placeholder="owner/name" required />
          </label>
          <label>
            revision <input value={revision} onChange={(e) => setRevision(e.target.value)} size={8} />
          </label>
          <label>
            token{' '}
            <input
              type="password"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              placeholder="hf_… (gated models)"
              autoComplete="off"
            />
          </label>
          <label>
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> remember
          </label>
          <button type="submit" disabled={loading}>
            Load
          </button>
        </form>
        <div
          className="dropzone"
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            loadFiles(e.dataTransfer.files);
          }}
        >
          Drop a checkpoint’s files here (config.json, tokenizer.json, *.safetensors) or{' '}
          <label className="linklike">
            pick a folder
            <input
              type="file"
              className="visually-hidden"
              {...{ webkitdirectory: '' }}
              multiple
              onChange={(e) => loadFiles(e.target.files)}
            />
          </label>
        </div>
      </details>
      {model.status === 'loading' && <LoadProgress />}
      <ErrorNote command="model/load" testId="model-error" />
      {model.status === 'loaded' && (
        <dl className="kv" data-testid="model-summary">
          <dt>Model</dt>
          <dd data-testid="model-name">{model.summary.name}</dd>
          <dt>Architecture</dt>
          <dd>
            {model.summary.arch}, {model.summary.layers} layers, hidden {model.summary.hidden}, vocabulary{' '}
            {model.summary.vocabSize.toLocaleString('en-US')}
          </dd>
          <dt>Parameters</dt>
          <dd>{model.summary.params.toLocaleString('en-US')}</dd>
          <dt>Backend</dt>
          <dd data-testid="model-backend">
            {model.summary.backend === 'webgpu'
              ? `WebGPU, ≈${formatBytes(model.summary.gpuBytes)} of GPU memory`
              : `CPU (onnxruntime-web wasm, ${threadsLabel(model.summary.wasmThreads ?? 1)})`}
            {model.summary.backendNote && <div className="muted">{model.summary.backendNote}</div>}
          </dd>
          <dt>Editable modules</dt>
          <dd>
            {model.summary.modules.length} ({model.summary.modules[0]?.name} … {model.summary.modules.at(-1)?.name},{' '}
            {model.summary.modules[0]?.dIn} → {model.summary.modules[0]?.dOut})
          </dd>
          <dt>Preset</dt>
          <dd>
            <PresetNote model={model.summary} />
          </dd>
        </dl>
      )}
    </Panel>
  );
}

const threadsLabel = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;

/** 1 … the cores the browser reports (and the URL's count, if larger). */
function threadChoices(selected: string): number[] {
  const max = Math.max(navigator.hardwareConcurrency || 1, Number(selected) || 1);
  return Array.from({ length: max }, (_, i) => i + 1);
}

function LoadProgress() {
  const p = useLabStore((s) => (s.model.status === 'loading' ? s.model.progress : undefined));
  if (!p) return <Progress value={0} max={0} label="starting…" />;
  if (p.stage === 'runtime') return <Progress value={0} max={0} label={p.detail} />;
  if (p.unit === 'tensors') return <Progress value={p.done} max={p.total} label={`tensor ${p.done} of ${p.total}: ${p.detail}`} />;
  const eta = p.etaSeconds === null ? '' : `, ${formatDuration(p.etaSeconds)} left`;
  const speed = p.bytesPerSecond ? `, ${formatBytes(p.bytesPerSecond)}/s` : '';
  return (
    <Progress
      value={p.done}
      max={p.total}
      label={`${formatBytes(p.done)}${p.total ? ` of ${formatBytes(p.total)}` : ''}${speed}${eta} (${p.detail})`}
    />
  );
}
