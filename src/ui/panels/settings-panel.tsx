/** Editor settings, validated as typed; every value (and the seed) lives in the URL. */
import { useId, type ReactNode } from 'react';
import { HYPERNET_EDITORS, isHypernetEditor, runEditorNames } from '../../engine/run/config';
import { isLocateEditor, LOCATE_DEFAULTS } from '../../engine/editors/locate/settings';
import { DEMO_RUN } from '../../engine/lab/demo-defaults';
import { WARMUP_PLACEMENTS } from '../../engine/run/schedule';
import { useSettings } from '../lab-settings';
import { parseForm, type SettingsForm } from '../settings';
import { useLabStore } from '../store';
import { EDITOR_MATHS, type EditorMath } from '../../protocol/messages';
import { Panel } from './panel';
import { HypernetSection } from './hypernet-section';

/** Every editor a run takes; MEND, MALMEN and RLEdit need a trained network (hypernet-section.tsx). */
const EDITORS = [...runEditorNames, ...HYPERNET_EDITORS];

export function useParsedSettings() {
  const form = useSettings((s) => s.form);
  return { form, ...parseForm(form, DEMO_RUN) };
}

export function SettingsPanel() {
  const { form, errors } = useParsedSettings();
  const set = useSettings((s) => s.set);
  const model = useLabStore((s) => s.model);
  const modules = model.status === 'loaded' ? model.summary.modules : [];
  const hypernet = isHypernetEditor(form.editor);
  const field = (k: keyof SettingsForm, label: string, hint?: string, disabled = false) => (
    <Field label={label} error={disabled ? undefined : errors[k]} hint={hint}>
      {(id, describedBy) => (
        <input
          id={id}
          aria-describedby={describedBy}
          aria-invalid={errors[k] ? true : undefined}
          value={form[k] as string}
          onChange={(e) => set({ [k]: e.target.value })}
          inputMode="decimal"
          size={8}
          disabled={disabled}
          data-testid={`set-${k}`}
        />
      )}
    </Field>
  );
  return (
    <Panel title="Editor settings" headingId="settings-h">
      <div className="grid-form">
        <Field label="editor" error={errors.editor}>
          {(id) => (
            <select id={id} value={form.editor} onChange={(e) => set({ editor: e.target.value })} data-testid="set-editor">
              {EDITORS.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="editor math"
          hint="auto: the WGSL kernels on the model’s WebGPU device (fp32) when the model runs on WebGPU, else the float64 CPU editor; cpu or gpu to choose"
        >
          {(id, describedBy) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={form.editorMath}
              onChange={(e) => set({ editorMath: e.target.value as EditorMath })}
              data-testid="set-editorMath"
            >
              {EDITOR_MATHS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          )}
        </Field>
        {/* Not used by the hypernetwork editors (their step sizes and λ are learned): shown disabled, not silently ignored. */}
        {field('lr', 'lr', hypernet ? `not used by ${form.editor}` : 'step of the value targets', hypernet)}
        {field('ridge', 'λ (ridge)', hypernet ? `not used by ${form.editor}` : undefined, hypernet)}
        {field('nEdits', 'n_edits per turn')}
        {field('subBatch', 'sub-batch')}
        {field('turns', 'turns', 'empty: the whole stream')}
        {field('seed', 'seed')}
        {field('warmupTurns', 'warm-up turns')}
        <Field label="warm-up placement" error={errors.warmupPlacement}>
          {(id) => (
            <select id={id} value={form.warmupPlacement} onChange={(e) => set({ warmupPlacement: e.target.value })}>
              {WARMUP_PLACEMENTS.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="warm-up statistics only">
          {(id) => (
            <input
              id={id}
              type="checkbox"
              checked={form.warmupStatisticsOnly}
              onChange={(e) => set({ warmupStatisticsOnly: e.target.checked })}
            />
          )}
        </Field>
        {field('sampleEvery', 'sample eval every (turns)', '0: never')}
        {field('sampleSize', 'sample size')}
        {field('checkpointEvery', 'checkpoint every (turns)', '0: never; a reloaded page resumes from the last one')}
        {form.editor === 'stableedit-niw' && (
          <>
            {field('kappa0', 'NIW κ₀')}
            {field('nu0', 'NIW ν₀')}
            {field('psi0', 'NIW ψ₀ (Ψ₀ = ψ₀I)')}
          </>
        )}
        {hypernet && <HypernetSection editor={form.editor} />}
        {isLocateEditor(form.editor) && (
          <>
            <p className="muted" data-testid="locate-note">
              {form.editor} takes its reference settings (empty = the authors' default); lr and λ above are not used. It edits at the
              subject's last token of the last chosen layer, so leave a block above it; the key statistics come from the demo's corpus or
              the stream's prompts.
            </p>
            {field('locSteps', 'target steps', `default ${LOCATE_DEFAULTS[form.editor].steps}`)}
            {field('locLr', 'target lr (Adam)', `default ${LOCATE_DEFAULTS[form.editor].lr}`)}
            {field('locClamp', 'δ norm clamp factor', `default ${LOCATE_DEFAULTS[form.editor].clampNorm}`)}
            {form.editor === 'memit'
              ? field('locMom2Weight', 'λ of λC + KKᵀ', `default ${LOCATE_DEFAULTS.memit.mom2Weight}`)
              : field('locL2', 'L2', `default ${LOCATE_DEFAULTS.alphaedit.l2}`)}
            {field('locSamples', 'key statistics texts', `default ${LOCATE_DEFAULTS[form.editor].mom2Samples}`)}
          </>
        )}
        {field('editLr', 'interactive edit lr')}
        {field('editStats', 'interactive edit statistics records')}
      </div>
      <fieldset className="modules" aria-invalid={errors.modules ? true : undefined}>
        <legend>Modules to edit</legend>
        {modules.length === 0 && <span className="muted">load a model to choose its modules</span>}
        {modules.map((m) => (
          <label key={m.name}>
            <input
              type="checkbox"
              checked={form.modules.includes(m.name)}
              onChange={(e) =>
                set({
                  modules: e.target.checked
                    ? modules.map((x) => x.name).filter((n) => n === m.name || form.modules.includes(n))
                    : form.modules.filter((n) => n !== m.name),
                })
              }
            />
            {m.name}
          </label>
        ))}
        {errors.modules && <div className="field-error">{errors.modules}</div>}
        {form.modules.some((n) => modules.length > 0 && !modules.some((m) => m.name === n)) && (
          <div className="field-error">
            not modules of this model: {form.modules.filter((n) => !modules.some((m) => m.name === n)).join(', ')}
          </div>
        )}
      </fieldset>
    </Panel>
  );
}

function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (id: string, describedBy?: string) => ReactNode;
}) {
  const id = useId();
  const described = error ? `${id}-err` : hint ? `${id}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, described)}
      {error ? (
        <div className="field-error" id={`${id}-err`}>
          {error}
        </div>
      ) : (
        hint && (
          <div className="muted small" id={`${id}-hint`}>
            {hint}
          </div>
        )
      )}
    </div>
  );
}
