/**
 * The network MEND, MALMEN and RLEdit runs edit with (docs/design.md §8): the one the lab holds for
 * the loaded model, or a drop/pick of the two files `stableedit-lab train-editor` writes. The worker
 * checks them as the CLI's `run --hypernet` does (engine/lab/hypernet-import.ts) and says what
 * differs when they belong to another model, editor or modules.
 */
import { useState, type DragEvent } from 'react';
import { sendCommand } from '../engine-client';
import { useLabStore } from '../store';
import { ErrorNote } from './error-note';

export function HypernetSection({ editor }: { editor: string }) {
  const net = useLabStore((s) => s.hypernet);
  const loaded = useLabStore((s) => s.model.status === 'loaded');
  const importing = useLabStore((s) => s.pending['hypernet/import'] !== undefined);
  const [over, setOver] = useState(false);
  const give = (files: FileList | null | undefined) => {
    if (files && files.length) sendCommand({ type: 'hypernet/import', files: Array.from(files) });
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    give(e.dataTransfer.files);
  };
  return (
    <div className="hypernet" data-testid="hypernet">
      <p className="muted" data-testid="hypernet-note">
        {editor} edits with a meta-trained network: its step sizes and λ are learned, so lr and λ above are not used.
      </p>
      {net ? (
        <p data-testid="hypernet-status">
          network: {net.editor} for {net.modules.join(', ')}
          {net.steps !== undefined && `, ${net.steps} training steps`} ({net.source}: {net.files}; sha256 {net.sha256.slice(0, 12)}…)
          {net.editor !== editor && (
            <strong className="field-error">
              {' '}
              — a {net.editor} network: choose {net.editor}, or give a {editor} one
            </strong>
          )}
        </p>
      ) : (
        <p data-testid="hypernet-status">no network yet: {loaded ? 'give one below' : 'load a model, then give one below'}</p>
      )}
      <div
        className={over ? 'dropzone over' : 'dropzone'}
        data-testid="drop-hypernet"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        {importing ? 'checking the network…' : 'Drop hypernet.json and network.safetensors here (train-editor writes them) or '}
        <label className="linklike">
          pick both
          <input
            type="file"
            multiple
            className="visually-hidden"
            accept=".json,.safetensors"
            disabled={!loaded || importing}
            onChange={(e) => give(e.target.files)}
            data-testid="pick-hypernet"
          />
        </label>
      </div>
      <ErrorNote command="hypernet/import" testId="hypernet-error" />
    </div>
  );
}
