import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { WayOut } from '../../../shared/money/waysOut';
import type { Surface } from '../../../shared/money/pools';
import { useAppStore, useAppStoreApi } from '../../store';
import { errorText } from '../errorText';
import { fmtCredits, surfaceLabel } from '../format';
import { draftModels, estimateParams, fitToModel, generationParams, initialValues, MAX_VARIATIONS, optionsFor, type DraftValues } from './draftModel';
import { useEstimate } from './useEstimate';

const NEW_SHOT = '__new__';

/**
 * The draft form: only values the model accepts, a live estimate with balance before → after, the
 * multiplier alert against the baseline (the last generated or acknowledged settings), and Generate
 * disabled with the reason and the ways out when the plan or the pools refuse.
 */
export function DraftForm({ projectId }: { projectId: string }) {
  const config = useAppStore((s) => s.activeConfig);
  const shots = useAppStore((s) => s.shotsByProject[projectId]);
  const { submitJob, lookupCache, notify, setTab, setShotScope, loadShots } = useAppStore((s) => s);
  const store = useAppStoreApi();
  const card = config?.rateCard ?? null;
  const [values, setValues] = useState<DraftValues | null>(null);
  const [baseline, setBaseline] = useState<DraftValues | null>(null);
  const [shotId, setShotId] = useState<string>('');
  const [newShotName, setNewShotName] = useState('Shot 1');
  const [isSubmitting, setSubmitting] = useState(false);
  const [cached, setCached] = useState<string | null>(null);

  useEffect(() => {
    if (card && !values) {
      const v = initialValues(card);
      setValues(v);
      setBaseline(v);
    }
  }, [card, values]);
  useEffect(() => {
    if (!shots) loadShots(projectId).catch((e: unknown) => notify('error', errorText(e)));
  }, [shots, projectId, loadShots, notify]);
  useEffect(() => {
    if (shots && shots.length > 0 && (shotId === '' || (shotId !== NEW_SHOT && !shots.some((s) => s.id === shotId)))) setShotId(shots[0]!.id);
    if (shots && shots.length === 0) setShotId(NEW_SHOT);
  }, [shots, shotId]);

  const params = useMemo(() => (values ? estimateParams(values) : null), [values]);
  const base = useMemo(() => (baseline ? estimateParams(baseline) : null), [baseline]);
  const live = useEstimate(params, base, projectId);
  const genKey = values ? JSON.stringify(generationParams(values)) : '';
  // The request the cache is asked about, rebuilt from its key so the lookup re-runs only when it changes.
  const cacheReq = useMemo(() => (genKey ? (JSON.parse(genKey) as ReturnType<typeof generationParams>) : null), [genKey]);
  const [cacheHint, setCacheHint] = useState<{ key: string; isHit: boolean; text: string } | null>(null);
  useEffect(() => {
    const g = cacheReq;
    if (!g || 'error' in g) return;
    let isCurrent = true;
    const t = setTimeout(() => {
      lookupCache(g, projectId).then(
        (r) => {
          if (!isCurrent) return;
          if (r.cacheHit) setCacheHint({ key: genKey, isHit: true, text: `free — cached: made before, Generate returns those takes and saves ${fmtCredits(r.creditsSaved)} credits` });
          else if (r.inFlight) setCacheHint({ key: genKey, isHit: false, text: 'already generating: Generate joins that job, nothing is charged twice' });
          else setCacheHint(null);
        },
        () => isCurrent && setCacheHint(null),
      );
    }, 250);
    return () => {
      isCurrent = false;
      clearTimeout(t);
    };
  }, [cacheReq, genKey, projectId, lookupCache]);
  if (!card || !values) return <p className="muted">Loading models and prices…</p>;

  const opts = optionsFor(card, values.model);
  const set = (patch: Partial<DraftValues>) => {
    setCached(null);
    setValues(fitToModel({ ...values, ...patch }, card));
  };
  const isFresh = live !== null && live.key === JSON.stringify(params);
  const quote = isFresh ? live.quote : null;
  const warning = isFresh ? (live.comparison?.warning ?? null) : null;
  const gen = generationParams(values);
  const blockers: string[] = [];
  if (isFresh && live.error) blockers.push(live.error);
  if ('error' in gen) blockers.push(gen.error);
  if (shotId === NEW_SHOT && newShotName.trim() === '') blockers.push('Name the new shot.');
  if (shotId === '') blockers.push('Loading the shots…');
  // A cached answer is free whatever the pools hold: the refusals of a fresh render do not apply to it.
  const isHit = cacheHint !== null && cacheHint.key === genKey && cacheHint.isHit;
  const refusals = isHit ? [] : (quote?.refusals ?? []);
  const canGenerate = isFresh && !!quote && (quote.canSubmit || isHit) && blockers.length === 0 && !isSubmitting;

  const applyWayOut = (w: WayOut) => {
    switch (w.kind) {
      case 'cheaper_model':
        return set({ model: w.model ?? values.model, ...(w.durationSec !== undefined ? { durationSec: w.durationSec } : {}) });
      case 'shorter_clip':
        return set({ durationSec: w.durationSec ?? values.durationSec });
      case 'fewer_variations':
        return set({ variations: w.variations ?? values.variations });
      case 'preview_instead':
        return set({ artifactClass: 'preview' });
      case 'explore_off':
        return set({});
      case 'buy_credits':
      case 'change_plan':
      case 'raise_budget':
        return setTab('ledger');
      case 'wait_for_reset':
      case 'allowed_value':
        return undefined;
    }
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!canGenerate || 'error' in gen) return;
    setSubmitting(true);
    try {
      const r = await submitJob({
        params: gen,
        projectId,
        ...(shotId === NEW_SHOT ? { shotName: newShotName.trim() } : { shotId }),
      });
      setBaseline(values);
      if (r.cacheHit) {
        const msg = `free — cached: the same request was made before; ${fmtCredits(r.creditsSaved)} credits saved.`;
        setCached(msg);
        notify('info', msg);
      } else {
        notify('info', `Generating ${values.variations} variation${values.variations === 1 ? '' : 's'} (${fmtCredits(r.credits.reserved)} credits reserved).`);
      }
      const made = store.getState().jobs[r.jobId] ?? null;
      if (shotId === NEW_SHOT) {
        setShotScope('all');
        if (made) setShotId(made.shotId);
      }
    } catch (err) {
      notify('error', errorText(err));
    } finally {
      setSubmitting(false);
    }
  };

  const surfaces = quote ? (Object.keys(quote.before) as Surface[]) : [];
  const isCachedHit = !cached && isHit;
  return (
    <form className="draft-form" onSubmit={(e) => void onSubmit(e)} aria-label="Draft a take">
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
          <select id="f-shot" value={shotId} onChange={(e) => setShotId(e.target.value)}>
            {(shots ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.position}. {s.name}
              </option>
            ))}
            <option value={NEW_SHOT}>New shot…</option>
          </select>
        </Field>
        {shotId === NEW_SHOT && (
          <Field id="f-new-shot" label="Name for the new shot">
            <input id="f-new-shot" value={newShotName} maxLength={120} onChange={(e) => setNewShotName(e.target.value)} />
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
          <input id="f-seed" className="narrow" inputMode="numeric" value={values.seed} onChange={(e) => set({ seed: e.target.value })} placeholder="random" />
        </Field>
      </div>

      {warning && (
        <div className="alert warn" role="alert">
          <strong>{warning}</strong>
          <span className="muted"> compared with the settings you last generated.</span>
          <button type="button" className="ghost small" onClick={() => setBaseline(values)}>
            Keep these settings
          </button>
        </div>
      )}

      <div className="estimate" aria-live="polite">
        {quote ? (
          <>
            <span className="estimate-total">
              {isCachedHit
                ? `Free — cached (new: ${fmtCredits(quote.estimate.credits)} credits)`
                : quote.estimate.credits === 0
                  ? 'Free'
                  : `${fmtCredits(quote.estimate.credits)} credits`}
              {!isCachedHit && quote.estimate.usd !== null && quote.estimate.credits > 0 ? ` ($${quote.estimate.usd.toFixed(2)})` : ''}
            </span>
            {surfaces.map((s) => (
              <span key={s} className="balance-move" data-surface={s}>
                {surfaceLabel(s)} {fmtCredits(quote.before[s] ?? 0)} → {fmtCredits(isCachedHit ? (quote.before[s] ?? 0) : (quote.after[s] ?? 0))}
              </span>
            ))}
            {values.provider === 'local' && <span className="muted">simulation: no real credits</span>}
          </>
        ) : (
          <span className="muted">{live?.error ? '' : 'Estimating…'}</span>
        )}
        {cached && <span className="cached">{cached}</span>}
        {!cached && cacheHint && cacheHint.key === genKey && <span className="cached">{cacheHint.text}</span>}
      </div>

      {(refusals.length > 0 || blockers.length > 0) && (
        <div className="refusals" id="generate-why">
          {blockers.map((b) => (
            <p key={b} className="field-error">
              {b}
            </p>
          ))}
          {refusals.map((r) => (
            <div key={r.rule + r.message} className="refusal">
              <p className="field-error">{r.message}</p>
              {r.waysOut.length > 0 && (
                <div className="row wrap">
                  <span className="muted">Ways out:</span>
                  {r.waysOut.map((w) => (
                    <button key={w.kind + w.text} type="button" className="small" onClick={() => applyWayOut(w)}>
                      {w.text}
                    </button>
                  ))}
                </div>
              )}
            </div>
          ))}
        </div>
      )}
      <div className="row">
        <button type="submit" className="primary" disabled={!canGenerate} aria-describedby={refusals.length > 0 || blockers.length > 0 ? 'generate-why' : undefined}>
          {isSubmitting ? 'Generating…' : 'Generate'}
        </button>
      </div>
    </form>
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
