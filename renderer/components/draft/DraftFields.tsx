import type { ReactNode } from 'react';
import type { Shot } from '../../../shared/contract/shots';
import type { RateCard } from '../../../shared/money/rateCardSchema';
import { NEW_SHOT } from '../../store/slices/draftsSlice';
import { draftModels, MAX_VARIATIONS, optionsFor, type DraftValues } from './draftModel';

interface Props {
  card: RateCard;
  values: DraftValues;
  set(patch: Partial<DraftValues>): void;
  shots: readonly Shot[];
  shotKey: string;
  onShot(key: string): void;
  newShotName: string;
  onNewShotName(name: string): void;
}

const SHOT_NEW_OPTION = '__new__';

/** The draft form's fields: only the values the model accepts (see draftModel.ts). */
export function DraftFields({ card, values, set, shots, shotKey, onShot, newShotName, onNewShotName }: Props) {
  const opts = optionsFor(card, values.model);
  return (
    <>
      <div className="draft-grid">
        <Field id="f-provider" label="Provider">
          <select id="f-provider" value={values.provider} onChange={(e) => set({ provider: e.target.value as DraftValues['provider'] })}>
            <option value="local">Local simulator (no account)</option>
            <option value="runway">Runway</option>
          </select>
        </Field>
        <Field id="f-model" label="Model">
          <select id="f-model" value={values.model} onChange={(e) => set({ model: e.target.value })}>
            {draftModels(card).map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </Field>
        {opts?.kind === 'video' && (
          <Field id="f-duration" label="Duration">
            <select id="f-duration" value={String(values.durationSec)} onChange={(e) => set({ durationSec: Number(e.target.value) })}>
              {opts.durations.map((d) => (
                <option key={d} value={d}>
                  {d} s
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id="f-ratio" label="Ratio">
          <select id="f-ratio" value={values.ratio} onChange={(e) => set({ ratio: e.target.value })}>
            {(opts?.ratios ?? []).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field id="f-variations" label="Variations">
          <select id="f-variations" value={values.variations} onChange={(e) => set({ variations: Number(e.target.value) })}>
            {Array.from({ length: MAX_VARIATIONS }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </Field>
        <Field id="f-class" label="Artifact class">
          <select id="f-class" value={values.artifactClass} onChange={(e) => set({ artifactClass: e.target.value as DraftValues['artifactClass'] })}>
            <option value="preview">Preview (cheap draft)</option>
            <option value="release">Release (final spec)</option>
          </select>
        </Field>
        {opts?.formats && opts.formats.length > 1 && (
          <Field id="f-format" label="Output format">
            <select id="f-format" value={values.outputFormat ?? ''} onChange={(e) => set({ outputFormat: e.target.value })}>
              {opts.formats.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id="f-shot" label="Shot">
          <select id="f-shot" value={shotKey === NEW_SHOT ? SHOT_NEW_OPTION : shotKey} onChange={(e) => onShot(e.target.value === SHOT_NEW_OPTION ? NEW_SHOT : e.target.value)}>
            {shots.map((s) => (
              <option key={s.id} value={s.id}>
                {s.position}. {s.name}
              </option>
            ))}
            <option value={SHOT_NEW_OPTION}>New shot…</option>
          </select>
        </Field>
        {shotKey === NEW_SHOT && (
          <Field id="f-new-shot" label="Name for the new shot">
            <input id="f-new-shot" value={newShotName} maxLength={120} onChange={(e) => onNewShotName(e.target.value)} />
          </Field>
        )}
        <label className="inline audio" title={opts?.hasAudio ? undefined : `${values.model} has no audio option`}>
          <input type="checkbox" checked={values.audio} disabled={!opts?.hasAudio} onChange={(e) => set({ audio: e.target.checked })} /> Audio
        </label>
      </div>
      <div className="draft-text">
        <Field id="f-prompt" label="Prompt" grow>
          <textarea id="f-prompt" rows={2} maxLength={1000} value={values.prompt} onChange={(e) => set({ prompt: e.target.value })} placeholder="What the shot shows" />
        </Field>
        <Field id="f-negative" label="Negative">
          <input id="f-negative" maxLength={1000} value={values.negativePrompt} onChange={(e) => set({ negativePrompt: e.target.value })} placeholder="what to avoid (negative prompt)" />
        </Field>
        <Field id="f-seed" label="Seed">
          <input id="f-seed" className="narrow" inputMode="numeric" maxLength={20} value={values.seed} onChange={(e) => set({ seed: e.target.value })} placeholder="random" />
        </Field>
      </div>
    </>
  );
}

function Field({ id, label, children, grow }: { id: string; label: string; children: ReactNode; grow?: boolean }) {
  return (
    <div className={`field${grow ? ' grow' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}
