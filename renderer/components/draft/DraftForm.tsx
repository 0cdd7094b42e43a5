import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useAppStore, useAppStoreApi } from '../../store';
import { NEW_SHOT } from '../../store/slices/draftsSlice';
import { errorText } from '../errorText';
import { fmtCredits } from '../format';
import { DraftFields } from './DraftFields';
import { EstimateLine, Refusals } from './DraftVerdict';
import { estimateParams, fitToModel, generationParams, initialValues, type DraftValues } from './draftModel';
import { useCacheHint } from './useCacheHint';
import { useEstimate } from './useEstimate';

const WHY_ID = 'generate-why';

/**
 * The draft form: only values the model accepts, a live estimate with balance before → after, the
 * multiplier alert against the baseline (the last generated or acknowledged settings), and Generate
 * disabled with the reason and the ways out when the plan or the pools refuse. What is typed lives
 * in the store per project and shot and is saved to core, so nothing is lost on a tab change or a restart.
 */
export function DraftForm({ projectId }: { projectId: string }) {
  const config = useAppStore((s) => s.activeConfig);
  const shots = useAppStore((s) => s.shotsByProject[projectId]);
  const pd = useAppStore((s) => s.drafts[projectId]);
  const { submitJob, notify, setShotScope, loadShots, loadDrafts, selectDraftShot, editDraft } = useAppStore((s) => s);
  const takes = useAppStore((s) => s.takes);
  const store = useAppStoreApi();
  const card = config?.rateCard ?? null;
  const [baseline, setBaseline] = useState<DraftValues | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);
  const [cached, setCached] = useState<string | null>(null);
  // Why the Generates since the last answered one failed (the notices they left): cleared once one is answered.
  const failures = useRef(new Set<string>());

  useEffect(() => {
    if (!shots) loadShots(projectId).catch((e: unknown) => notify('error', errorText(e)));
  }, [shots, projectId, loadShots, notify]);
  const isLoaded = pd?.isLoaded ?? false;
  useEffect(() => {
    if (!isLoaded) loadDrafts(projectId).catch((e: unknown) => notify('error', `The saved draft could not be read: ${errorText(e)}`));
  }, [isLoaded, projectId, loadDrafts, notify]);

  // The shot the form is on: the one chosen (if it still exists), else the first shot, else a new one.
  const chosen = pd?.shotKey ?? null;
  const isChosenLive = chosen === NEW_SHOT || (chosen !== null && (shots ?? []).some((s) => s.id === chosen));
  const shotKey = isChosenLive ? chosen! : shots && shots.length > 0 ? shots[0]!.id : NEW_SHOT;
  useEffect(() => {
    if (shots && isLoaded && shotKey !== chosen) selectDraftShot(projectId, shotKey);
  }, [shots, isLoaded, shotKey, chosen, projectId, selectDraftShot]);

  const draft = pd?.byShot[shotKey];
  const values = useMemo(() => (card ? fitToModel(draft?.values ?? initialValues(card), card) : null), [card, draft]);
  const newShotName = draft?.newShotName ?? `Shot ${(shots?.length ?? 0) + 1}`;
  const sourceId = values?.sourceTakeId ?? null;
  const sourceLabel = useMemo(() => (sourceId ? (takes[sourceId] ? `Take ${takeNumberOf(takes, sourceId)}` : 'an earlier take') : null), [sourceId, takes]);
  useEffect(() => {
    if (values && !baseline) setBaseline(values);
  }, [values, baseline]);

  const params = useMemo(() => (values ? estimateParams(values) : null), [values]);
  const base = useMemo(() => (baseline ? estimateParams(baseline) : null), [baseline]);
  const live = useEstimate(params, base, projectId);
  const cacheHint = useCacheHint(values, projectId);
  if (!card || !values || !shots) return <p className="muted">Loading models, prices and your draft…</p>;

  const set = (patch: Partial<DraftValues>) => {
    setCached(null);
    editDraft(projectId, { values: fitToModel({ ...values, ...patch }, card), newShotName });
  };
  const isFresh = live !== null && live.key === JSON.stringify(params);
  const quote = isFresh ? live.quote : null;
  const warning = isFresh ? (live.comparison?.warning ?? null) : null;
  const gen = generationParams(values);
  const blockers: string[] = [];
  if (isFresh && live.error) blockers.push(live.error);
  if ('error' in gen) blockers.push(gen.error);
  if (shotKey === NEW_SHOT && newShotName.trim() === '') blockers.push('Name the new shot.');
  if (!isFresh && blockers.length === 0) blockers.push('Estimating the cost first…');
  if (isSubmitting) blockers.push('Generating…');
  // A cached answer is free whatever the pools hold: the refusals of a fresh render do not apply to it.
  const genKey = JSON.stringify(gen);
  const isHit = cacheHint !== null && cacheHint.key === genKey && cacheHint.isHit;
  const refusals = isHit ? [] : (quote?.refusals ?? []);
  const canGenerate = isFresh && !!quote && (quote.canSubmit || isHit) && blockers.length === 0;
  const why = [...blockers, ...refusals.map((r) => r.message)];
  const shownBlockers = blockers.filter((b) => b !== 'Generating…');
  const hasWhy = shownBlockers.length > 0 || refusals.length > 0;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!canGenerate || 'error' in gen) return;
    setSubmitting(true);
    try {
      const r = await submitJob({
        params: gen,
        projectId,
        ...(shotKey === NEW_SHOT ? { shotName: newShotName.trim() } : { shotId: shotKey }),
        ...(values.sourceTakeId ? { sourceTakeId: values.sourceTakeId } : {}),
      });
      setBaseline(values);
      for (const n of store.getState().notices) if (failures.current.has(n.text)) store.getState().dismissNotice(n.id);
      failures.current.clear();
      if (r.cacheHit) {
        const msg = `free — cached: the same request was made before; ${fmtCredits(r.creditsSaved)} credits saved.`;
        setCached(msg);
        notify('info', msg);
      } else {
        notify('info', `Generating ${values.variations} variation${values.variations === 1 ? '' : 's'} (${fmtCredits(r.credits.reserved)} credits reserved).`);
      }
      const made = store.getState().jobs[r.jobId] ?? null;
      if (shotKey === NEW_SHOT && made) {
        setShotScope('all');
        selectDraftShot(projectId, made.shotId);
        editDraft(projectId, {});
      }
    } catch (err) {
      const text = errorText(err);
      failures.current.add(text);
      notify('error', text);
    } finally {
      setSubmitting(false);
    }
  };

  const isCachedHit = !cached && isHit;
  return (
    <form className="draft-form" onSubmit={(e) => void onSubmit(e)} aria-label="Draft a take">
      <DraftFields
        card={card}
        values={values}
        set={set}
        shots={shots}
        shotKey={shotKey}
        onShot={(k) => selectDraftShot(projectId, k)}
        newShotName={newShotName}
        onNewShotName={(name) => editDraft(projectId, { values, newShotName: name })}
      />
      {sourceLabel && (
        <p className="reuse-note">
          Reusing {sourceLabel}: the new take stacks on it.{' '}
          <button type="button" className="ghost small" onClick={() => set({ sourceTakeId: null })}>
            Start fresh instead
          </button>
        </p>
      )}
      {warning && (
        <div className="alert warn" role="alert">
          <strong>{warning}</strong>
          <span className="muted"> compared with the settings you last generated.</span>
          <button type="button" className="ghost small" onClick={() => setBaseline(values)}>
            Keep these settings
          </button>
        </div>
      )}
      <EstimateLine
        quote={quote}
        isCachedHit={isCachedHit}
        isLocal={values.provider === 'local'}
        isEstimating={!live?.error}
        note={cached ?? (cacheHint && cacheHint.key === genKey ? cacheHint.text : null)}
      />
      <Refusals id={WHY_ID} refusals={refusals} blockers={shownBlockers} values={values} set={set} />
      <div className="row">
        <button type="submit" className="primary" disabled={!canGenerate} aria-describedby={!canGenerate && hasWhy ? WHY_ID : undefined} title={canGenerate ? undefined : why.join(' ')}>
          {isSubmitting ? 'Generating…' : 'Generate'}
        </button>
      </div>
    </form>
  );
}

/** A take's number in its shot (creation order), for the reuse note. */
function takeNumberOf(takes: Record<string, { id: string; shotId: string; createdAt: number; n: number; artifactClass: string; sourceTakeId: string | null }>, id: string): number {
  const t = takes[id]!;
  const same = Object.values(takes)
    .filter((x) => x.shotId === t.shotId && !(x.artifactClass === 'release' && x.sourceTakeId !== null))
    .sort((a, b) => a.createdAt - b.createdAt || a.n - b.n || (a.id < b.id ? -1 : 1));
  return same.findIndex((x) => x.id === id) + 1;
}
